/**
 * A minimal /sys: what glibc and common programs read to count CPUs
 * (devices/system/cpu/{online,possible,present} and cpuN directories).
 */

import type { Host } from '../host/host.js';
import { SynthFs, SynthNode, dir, file, names } from './synth.js';
import { E } from '../../compat/errno.js';

export class SysFs extends SynthFs {
  readonly type = 'sysfs';
  readonly magic = 0x62656572;
  readonly dev = 21;

  constructor(readonly host: Host) {
    super();
    this.source = 'sysfs';
    this.options = 'rw,nosuid,nodev,noexec,relatime';
    this.time = host.realtime();
    this.privileged = host.uid === 0;
  }

  node(rel: string): SynthNode | number {
    const n = this.host.cpuCount;
    const range = n > 1 ? `0-${n - 1}\n` : '0\n';
    const cpus = Array.from({ length: n }, (_, k) => `cpu${k}`);
    switch (rel) {
      case '/':
        return dir(() => names([], ['devices', 'kernel', 'fs']), 0o555);
      case '/devices':
        return dir(() => names([], ['system']), 0o755);
      case '/devices/system':
        return dir(() => names([], ['cpu']), 0o755);
      case '/devices/system/cpu':
        return dir(() => names(['online', 'possible', 'present', 'kernel_max'], cpus), 0o755);
      case '/devices/system/cpu/online':
      case '/devices/system/cpu/possible':
      case '/devices/system/cpu/present':
        return file(() => range);
      case '/devices/system/cpu/kernel_max':
        return file(() => '8191\n');
      case '/kernel':
      case '/fs':
        return dir(() => [], 0o755);
    }
    const m = /^\/devices\/system\/cpu\/cpu(\d+)(\/online)?$/.exec(rel);
    if (m && Number(m[1]) < n) return m[2] ? file(() => '1\n') : dir(() => names(Number(m[1]) > 0 ? ['online'] : []), 0o755);
    return -E.ENOENT;
  }
}
