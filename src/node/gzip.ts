/** Registers Node's zlib as the IDX gzip codec (imported for its effect by every Node module that reads IDX). */
import { gunzipSync, gzipSync } from 'node:zlib';
import { setGzipCodec } from '../data/idx.js';

setGzipCodec({
  gunzip: (bytes, maxBytes) => new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes })),
  gzip: (bytes) => new Uint8Array(gzipSync(bytes)),
});
