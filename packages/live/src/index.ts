export { LIVE_CHANNEL, LIVE_KINDS, parseLiveNotice, type LiveKind, type LiveNotice } from './notices.js';
export { DEFAULT_MAX_QUEUED, LiveBus, LiveOverflowError, type LiveEvents, type StreamOptions } from './bus.js';
export { listenLive, type LiveListener, type LiveListenerOptions } from './listen.js';
