// Slash commands: one typed line into actions for the page. Pure: no DOM, no network.
//
// An action is {op: {...}} (a chat op for docs/protocol.md, network filled in by the caller),
// {say: text}, {act: text}, {local: name, ...} (handled by the page) or {error: key, params}.

/** Every command the page knows, with its aliases; the help text and usage come from the catalogue. */
export const COMMANDS = ['join', 'part', 'msg', 'query', 'me', 'notice', 'nick', 'topic', 'whois', 'away', 'back',
  'invite', 'kick', 'ban', 'unban', 'mode', 'op', 'deop', 'voice', 'devoice', 'quit', 'close', 'clear', 'say', 'help'];
const ALIASES = { j: 'join', leave: 'part', q: 'query', w: 'whois', wi: 'whois', m: 'msg', k: 'kick' };

/**
 * ctx: {conversation: name or null, type: 'server'|'channel'|'query', isChannel: name => bool}.
 * Returns a list of actions (empty for a blank line).
 */
export function parseLine(line, ctx) {
  if (!line.trim()) return [];
  if (!line.startsWith('/') || line.startsWith('//')) {
    return sayTo(ctx, line.startsWith('//') ? line.slice(1) : line);
  }
  const [, rawName, rest = ''] = /^\/(\S*)\s*([\s\S]*)$/.exec(line);
  const name = ALIASES[rawName.toLowerCase()] || rawName.toLowerCase();
  const args = rest.split(/\s+/).filter(Boolean);
  const tail = n => rest.replace(new RegExp(`^(\\S+\\s+){${n}}`), '').trim(); // the text after n words
  const here = ctx.type === 'channel' ? ctx.conversation : null;
  const usage = () => [{ error: 'error.usage', params: { usage: `usage.${name}` } }];
  const needChannel = () => [{ error: 'error.needsChannel', params: { command: `/${name}` } }];
  // A channel named first, or the one open now.
  const channelArg = () => (args[0] && ctx.isChannel(args[0]) ? [args[0], 1] : [here, 0]);

  switch (name) {
    case 'join': {
      if (!args[0]) return usage();
      const channel = ctx.isChannel(args[0]) || ctx.kind === 'xmpp' ? args[0] : `#${args[0]}`;
      return [{ op: { op: 'join', channel, key: args[1] || '' }, local: 'select-when-joined', channel }];
    }
    case 'part': {
      const [channel, used] = channelArg();
      if (!channel) return needChannel();
      return [{ op: { op: 'part', channel, reason: tail(used) } }];
    }
    case 'msg': {
      if (args.length < 2) return usage();
      return [{ say: tail(1), target: args[0] }];
    }
    case 'query': {
      if (!args[0]) return usage();
      const out = [{ local: 'query', target: args[0] }];
      if (args.length > 1) out.push({ say: tail(1), target: args[0] });
      return out;
    }
    case 'me':
      if (!rest.trim()) return usage();
      if (!ctx.conversation || ctx.type === 'server') return [{ error: 'error.noConversation' }];
      return [{ act: rest, target: ctx.conversation }];
    case 'say':
      if (!rest) return usage();
      return sayTo(ctx, rest);
    case 'notice':
      if (args.length < 2) return usage();
      return [{ op: { op: 'notice', target: args[0], text: tail(1) }, echo: true }];
    case 'nick':
      if (args.length !== 1) return usage();
      return [{ op: { op: 'nick', nick: args[0] } }];
    case 'topic': {
      const [channel, used] = channelArg();
      if (!channel) return needChannel();
      const topic = tail(used);
      return topic ? [{ op: { op: 'topic', channel, topic } }] : [{ local: 'show-topic', channel }];
    }
    case 'whois':
      if (args.length !== 1) return usage();
      return [{ op: { op: 'whois', nick: args[0] } }];
    case 'away':
      return [{ op: { op: 'presence', status: 'away', message: rest.trim() }, local: 'away-default' }];
    case 'back':
      return [{ op: { op: 'presence', status: 'available', message: '' } }];
    case 'invite': {
      if (!args[0]) return usage();
      const channel = args[1] || here;
      if (!channel) return needChannel();
      return [{ op: { op: 'invite', nick: args[0], channel } }];
    }
    case 'kick': {
      const [channel, used] = channelArg();
      if (!channel) return needChannel();
      if (!args[used]) return usage();
      return [{ op: { op: 'kick', channel, nick: args[used], reason: tail(used + 1) } }];
    }
    case 'ban':
    case 'unban': {
      const [channel, used] = channelArg();
      if (!channel) return needChannel();
      if (!args[used]) return usage();
      const op = { op: name, channel, who: args[used] };
      if (name === 'ban') op.reason = tail(used + 1);
      return [{ op }];
    }
    case 'mode': {
      if (!args.length) return usage();
      const named = !/^[+-]/.test(args[0]);
      const target = named ? args[0] : here;
      if (!target) return needChannel();
      const modes = named ? tail(1) : rest.trim();
      if (!modes) return usage();
      return [{ op: { op: 'mode', target, modes } }];
    }
    case 'op':
    case 'deop':
    case 'voice':
    case 'devoice': {
      if (!here) return needChannel();
      if (!args.length) return usage();
      const letter = name.endsWith('op') ? 'o' : 'v';
      const sign = name.startsWith('de') ? '-' : '+';
      return [{ op: { op: 'mode', target: here, modes: `${sign}${letter.repeat(args.length)} ${args.join(' ')}` } }];
    }
    case 'quit':
      return [{ op: { op: 'quit', reason: rest.trim() } }];
    case 'close':
      return [{ local: 'close' }];
    case 'clear':
      return [{ local: 'clear' }];
    case 'help':
      return [{ local: 'help', command: args[0] ? (ALIASES[args[0].replace(/^\//, '')] || args[0].replace(/^\//, '')) : '' }];
    default:
      return [{ error: 'error.unknownCommand', params: { command: `/${rawName}` } }];
  }
}

function sayTo(ctx, text) {
  if (!ctx.conversation || ctx.type === 'server') return [{ error: 'error.noConversation' }];
  return [{ say: text, target: ctx.conversation }];
}

/** Lines of a paste or a multi-line input, without empty ones. */
export function splitLines(text) {
  return text.split(/\r\n|\r|\n|\u2028|\u2029/).filter(l => l.trim() !== '');
}
