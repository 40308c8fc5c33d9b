// Browser notifications for mentions and private messages, only if the person turned them on
// (and the browser allowed it), and only while they are not looking at the page.

const KEY = 'halley.notifications';

export class Alerts {
  constructor() {
    this.supported = 'Notification' in window;
  }

  /** 'on', 'off', 'denied' or 'unsupported'. */
  get state() {
    if (!this.supported) return 'unsupported';
    if (Notification.permission === 'denied') return 'denied';
    return Notification.permission === 'granted' && storage(KEY) === 'on' ? 'on' : 'off';
  }

  /** Turns them on (asking the browser, from a click) or off. */
  async toggle() {
    if (this.state === 'on') { storage(KEY, 'off'); return; }
    if (Notification.permission !== 'granted') await Notification.requestPermission();
    if (Notification.permission === 'granted') storage(KEY, 'on');
  }

  notify(title, body, tag, onclick) {
    if (this.state !== 'on' || (document.visibilityState === 'visible' && document.hasFocus())) return;
    try {
      const n = new Notification(title, { body, tag, silent: false });
      n.onclick = () => { window.focus(); onclick(); n.close(); };
    } catch {
      // some mobile browsers only notify from a service worker; the title badge still counts
    }
  }
}

function storage(key, value) {
  try {
    if (value === undefined) return localStorage.getItem(key);
    localStorage.setItem(key, value);
  } catch {
    return null; // storage blocked (private mode, third-party iframe)
  }
  return value;
}
