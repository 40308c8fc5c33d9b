/**
 * Fixtures for tests against real parts: Debian's ngircd (and InspIRCd, Prosody) started on free
 * ports, a raw IRC client that records what the server really sent, and headless Chromium driven
 * by Debian's chromedriver. A missing program is a test failure that says what to install, never a
 * skip: CI installs them all ({@code .ci/run}).
 */
package org.halley.testkit;
