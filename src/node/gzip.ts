/** Registers Node's zlib as the IDX gzip codec (imported for its effect by every Node module that reads IDX). */
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { setGzipCodec } from '../data/idx.js';

setGzipCodec({
  gunzip: (bytes, maxBytes) => new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes })),
  gunzipPrefix: (bytes) => new Uint8Array(gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH })),
  gzip: (bytes) => new Uint8Array(gzipSync(bytes)),
});
