// The host-program cases: the host's own programs run natively and under rustos with the same
// argv, stdin, environment and files, compared byte for byte (stdout, stderr, exit status).
// Each case runs in a fresh directory holding the fixtures of fixtures.ts (fixed contents and
// mtimes). `sh` cases go through dash -c (pipes and redirections: processes are real now).

export interface HostCase {
  name: string;
  argv: string[];
  stdin?: string;
  /** Programs that must exist for the case to run (default: argv[0]). */
  needs?: string[];
}

const sh = (name: string, script: string, needs: string[] = []): HostCase => ({ name, argv: ['dash', '-c', script], needs: ['dash', ...needs] });

const PY = (name: string, code: string): HostCase => ({ name: `python3 ${name}`, argv: ['python3', '-c', code] });

export const CASES: HostCase[] = [
  // coreutils: listing and metadata
  { name: 'ls -la', argv: ['ls', '-la', 'data'] },
  { name: 'ls -l full-iso', argv: ['ls', '-l', '--time-style=full-iso', 'data'] },
  { name: 'ls -R', argv: ['ls', '-R', 'data'] },
  { name: 'ls -1 sorted by size', argv: ['ls', '-1S', 'data'] },
  { name: 'stat -c', argv: ['stat', '-c', '%n %s %a %F %h %Y', 'in.txt', 'data', 'data/link'] },
  { name: 'stat -L link', argv: ['stat', '-L', '-c', '%n %s %F', 'data/link'] },
  { name: 'find', argv: ['find', 'data', '-type', 'f', '-name', '*.txt'] },
  { name: 'find -printf', argv: ['find', 'data', '-printf', '%p %y %s\n'] },
  { name: 'du -a', argv: ['du', '-a', '--apparent-size', 'data'] },
  { name: 'df size of /', argv: ['df', '--output=size,target', '/'] },
  { name: 'readlink -f', argv: ['readlink', '-f', 'data/link'] },
  { name: 'realpath', argv: ['realpath', 'data/sub/../a.txt'] },
  // coreutils: changing the tree (results checked by listing them)
  sh('cp -a', 'cp -a data copy && ls -l --time-style=full-iso copy copy/sub'),
  sh('mv', 'mv data/a.txt moved.txt && ls data && cat moved.txt'),
  sh('rm -r', 'rm -r data/sub && ls data'),
  sh('mkdir -p', 'mkdir -p x/y/z && find x | sort'),
  sh('ln -s', 'ln -s in.txt l && readlink l && cat l'),
  sh('touch -d', 'touch -d "2001-02-03 04:05:06" t && ls -l --time-style=full-iso t'),
  sh('chmod', 'chmod 600 in.txt && stat -c %a in.txt'),
  sh('truncate', 'truncate -s 3 in.txt && cat in.txt && stat -c %s in.txt'),
  // coreutils: text
  { name: 'cat', argv: ['cat', 'in.txt', 'nums.txt'] },
  { name: 'cat -A', argv: ['cat', '-A', 'in.txt'] },
  { name: 'cat stdin', argv: ['cat'], stdin: 'from stdin\n' },
  { name: 'sort', argv: ['sort', 'in.txt'] },
  { name: 'sort -n -r', argv: ['sort', '-n', '-r', 'nums.txt'] },
  { name: 'sort -k2', argv: ['sort', '-k2', 'table.txt'] },
  { name: 'uniq -c', argv: ['uniq', '-c'], stdin: 'a\na\nb\nc\nc\nc\n' },
  { name: 'wc', argv: ['wc', 'in.txt', 'nums.txt'] },
  { name: 'head -n', argv: ['head', '-n', '2', 'in.txt'] },
  { name: 'head -c', argv: ['head', '-c', '7', 'in.txt'] },
  { name: 'tail -n +2', argv: ['tail', '-n', '+2', 'in.txt'] },
  { name: 'cut -d -f', argv: ['cut', '-d', ' ', '-f', '2', 'table.txt'] },
  { name: 'tr', argv: ['tr', 'a-z', 'A-Z'], stdin: 'hello world\n' },
  { name: 'tr -d', argv: ['tr', '-d', 'aeiou'], stdin: 'hello world\n' },
  { name: 'sed', argv: ['sed', '-e', 's/a/X/g', '-e', '2d', 'in.txt'] },
  { name: 'sed -E -n', argv: ['sed', '-E', '-n', 's/^([a-z])(.*)$/\\2\\1/p', 'in.txt'] },
  { name: 'grep -E', argv: ['grep', '-E', '^(a|c)', 'in.txt'] },
  { name: 'grep -c -v', argv: ['grep', '-c', '-v', 'apple', 'in.txt'] },
  { name: 'grep -rn', argv: ['grep', '-rn', 'x', 'data'] },
  { name: 'grep no match', argv: ['grep', 'zzz', 'in.txt'] },
  { name: 'od -c', argv: ['od', '-c', 'in.txt'] },
  { name: 'od -An -tx1', argv: ['od', '-An', '-tx1', 'nums.txt'] },
  { name: 'base64', argv: ['base64', 'in.txt'] },
  { name: 'base64 -d', argv: ['base64', '-d'], stdin: 'aGVsbG8gcnVzdG9zCg==\n' },
  { name: 'md5sum', argv: ['md5sum', 'in.txt', 'nums.txt'] },
  { name: 'sha1sum', argv: ['sha1sum', 'in.txt'] },
  { name: 'sha256sum', argv: ['sha256sum', 'in.txt', 'table.txt'] },
  { name: 'sha512sum', argv: ['sha512sum', 'in.txt'] },
  { name: 'seq', argv: ['seq', '1', '3', '20'] },
  { name: 'expr', argv: ['expr', '6', '*', '7'] },
  { name: 'printf', argv: ['printf', '%05d|%-5s|%x\n', '42', 'ab', '255'] },
  { name: 'cat missing file', argv: ['cat', 'nope'] },
  { name: 'id -un', argv: ['id', '-un'] },
  { name: 'basename/dirname', argv: ['basename', '/a/b/c.txt', '.txt'] },
  // archives and compressors
  sh('tar c/t', 'tar -cf out.tar data && tar -tvf out.tar', ['tar']),
  sh('tar x', 'tar -cf out.tar data && mkdir ex && tar -xf out.tar -C ex && find ex | sort', ['tar']),
  { name: 'gzip -c', argv: ['gzip', '-c', '-n', 'in.txt'] },
  sh('gzip round trip', 'gzip -k in.txt && gzip -dc in.txt.gz', ['gzip']),
  { name: 'xz -c', argv: ['xz', '-c', 'in.txt'] },
  sh('xz round trip', 'xz -c in.txt | xz -dc', ['xz']),
  { name: 'bzip2 -c', argv: ['bzip2', '-c', 'in.txt'] },
  // interpreters and tools
  { name: 'mawk sum', argv: ['mawk', '{ s += $1 } END { print s, NR }', 'nums.txt'] },
  { name: 'mawk fields', argv: ['mawk', '-F', ' ', '{ print $2 ":" length($1) }', 'table.txt'] },
  { name: 'dash -c', argv: ['dash', '-c', 'x=5; echo $((x * 8)); for i in a b; do echo $i; done; exit 3'] },
  sh('dash pipe', 'sort in.txt | uniq -c | sort -rn'),
  PY('json', 'import json; print(json.dumps({"b": [1, 2.5, None], "a": "x"}, sort_keys=True))'),
  PY('re', 'import re; print(re.findall(r"(\\w)(\\d+)", "a1 b22 c333"))'),
  PY('hashlib', 'import hashlib; print(hashlib.sha256(b"rustos").hexdigest(), hashlib.md5(b"x").hexdigest())'),
  PY('os.walk', 'import os\nfor r, d, f in sorted(os.walk("data")): print(r, sorted(d), sorted(f))'),
  PY('pathlib', 'from pathlib import Path; p = Path("in.txt"); print(p.read_text().splitlines(), p.stat().st_size, sorted(x.name for x in Path("data").iterdir()))'),
  PY('sqlite3', 'import sqlite3; c = sqlite3.connect(":memory:"); c.execute("create table t(x)"); c.executemany("insert into t values (?)", [(i,) for i in range(10)]); print(c.execute("select sum(x), count(*) from t").fetchone())'),
  PY('decimal', 'from decimal import Decimal, getcontext; getcontext().prec = 30; print(Decimal(1) / Decimal(7), Decimal("1.1") + Decimal("2.2"))'),
  { name: 'perl', argv: ['perl', '-e', 'my %h = (b => 2, a => 1); print join(",", map { "$_=$h{$_}" } sort keys %h), "\n"; printf("%.3f\n", atan2(1, 1) * 4)'] },
  { name: 'perl -ne', argv: ['perl', '-ne', 'print uc if /an/', 'in.txt'] },
  { name: 'sqlite3', argv: ['sqlite3', ':memory:', 'create table t(a, b); insert into t values (1, "x"), (2, "y"); select b, a * 10 from t order by a desc;'] },
  sh('sqlite3 file db', 'sqlite3 db.sqlite "create table t(x); insert into t values (42);" && sqlite3 db.sqlite "select x from t"', ['sqlite3']),
  { name: 'file', argv: ['file', 'in.txt', 'data', 'data/link', 'nums.txt'] },
  // Processes (issue 6): make runs its recipes in parallel children; perl forks and waits.
  sh('make -j2', 'printf "all: a b c\\n\\techo done\\na:\\n\\techo a > a.out\\nb:\\n\\techo b > b.out\\nc: a b\\n\\tcat a.out b.out > c.out\\n" > Makefile && make -s -j2 && cat c.out', ['make']),
  { name: 'perl fork/wait', argv: ['perl', '-e', 'my @k; for my $i (1..3) { my $p = fork(); if (!$p) { exit $i } push @k, $p } my $s = 0; for (@k) { waitpid($_, 0); $s += $? >> 8 } print "sum $s\n"'] },
  PY('subprocess', 'import subprocess; r = subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"], capture_output=True); print(r.returncode, r.stdout, r.stderr)'),
  PY('threading', 'import threading\nn = [0]; lock = threading.Lock()\ndef f():\n  for _ in range(2000):\n    with lock: n[0] += 1\nts = [threading.Thread(target=f) for _ in range(4)]\nfor t in ts: t.start()\nfor t in ts: t.join()\nprint(n[0], threading.active_count())'),
  // multiprocessing: its locks are POSIX semaphores in /dev/shm files mapped MAP_SHARED, its
  // Value/Array live in a shared file mapping, Pool talks over pipes.
  PY('multiprocessing', 'import multiprocessing as mp\ndef sq(x): return x * x\ndef work(q, v, lock):\n  for _ in range(50):\n    with lock: v.value += 1\n  q.put(1)\nif __name__ == "__main__":\n  with mp.Pool(2) as p: print(sum(p.map(sq, range(100))))\n  q = mp.Queue(); v = mp.Value("i", 0); lock = mp.Lock()\n  ps = [mp.Process(target=work, args=(q, v, lock)) for _ in range(3)]\n  for x in ps: x.start()\n  print(sum(q.get() for _ in ps))\n  for x in ps: x.join()\n  print(v.value, [x.exitcode for x in ps])'),
  // splice and sendfile as cat-style programs use them: through a pipe between two pipes of a
  // shell pipeline, and from a file to stdout.
  sh('python3 os.splice pipeline', "cat in.txt nums.txt | python3 -c 'import os, sys\nr, w = os.pipe()\nn = 0\nwhile True:\n  k = os.splice(0, w, 65536)\n  if not k: break\n  while k:\n    m = os.splice(r, 1, k)\n    k -= m\n    n += m\nprint(n, file=sys.stderr)' | cat", ['python3', 'cat']),
  PY('os.sendfile', 'import os\nfd = os.open("in.txt", os.O_RDONLY)\nn = os.sendfile(1, fd, None, 5)\nm = os.sendfile(1, fd, 2, 100)\nprint("", n, m, os.lseek(fd, 0, os.SEEK_CUR))'),
  // Sockets (kernel/net): AF_UNIX in the kernel, TCP/UDP on loopback through the host.
  PY('asyncio tcp echo', 'import asyncio\nasync def handle(r, w):\n  while line := await r.readline():\n    w.write(line.upper())\n    await w.drain()\n  w.close()\nasync def main():\n  srv = await asyncio.start_server(handle, "127.0.0.1", 0)\n  port = srv.sockets[0].getsockname()[1]\n  r, w = await asyncio.open_connection("127.0.0.1", port)\n  for m in (b"hello\\n", b"asyncio echo\\n"):\n    w.write(m)\n    await w.drain()\n    print(await r.readline())\n  w.close()\n  await w.wait_closed()\n  srv.close()\n  await srv.wait_closed()\n  print("done")\nasyncio.run(main())'),
  PY('socket create_connection', 'import socket, threading\nsrv = socket.create_server(("127.0.0.1", 0))\nport = srv.getsockname()[1]\ndef serve():\n  c, _ = srv.accept()\n  with c: c.sendall(c.recv(100)[::-1])\nt = threading.Thread(target=serve); t.start()\nwith socket.create_connection(("127.0.0.1", port), timeout=10) as s:\n  s.sendall(b"hello socket"); print(s.recv(100))\nt.join()\nprint(socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)[0][4], socket.gethostbyname("localhost"))\nu1, u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nu1.bind(("127.0.0.1", 0)); u2.sendto(b"datagram", u1.getsockname()); d, a = u1.recvfrom(100); print(d, a == u2.getsockname())'),
  // forkserver: an AF_UNIX listener, descriptors passed with SCM_RIGHTS; spawn: fresh interpreters.
  PY('socketpair + multiprocessing forkserver', 'import multiprocessing as mp, socket\nif __name__ == "__main__":\n  a, b = socket.socketpair(); a.sendall(b"ping"); print(b.recv(4))\n  ctx = mp.get_context("forkserver")\n  with ctx.Pool(2) as p: print(sum(p.map(abs, range(-5, 5))))\n  q = ctx.Queue(); pr = ctx.Process(target=q.put, args=("from child",)); pr.start(); print(q.get()); pr.join(); print(pr.exitcode)'),
  PY('multiprocessing spawn', 'import multiprocessing as mp\nif __name__ == "__main__":\n  ctx = mp.get_context("spawn")\n  q = ctx.Queue(); pr = ctx.Process(target=q.put, args=("spawned",)); pr.start(); print(q.get()); pr.join(); print(pr.exitcode)'),
  { name: 'perl IO::Socket::INET echo', argv: ['perl', '-MIO::Socket::INET', '-e', 'my $srv = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 5, ReuseAddr => 1) or die "listen: $!"; my $port = $srv->sockport; my $pid = fork(); if (!$pid) { my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => "tcp") or die "connect: $!"; for my $m ("one", "two", "three") { print $c "$m\n"; my $r = <$c>; print "client got: $r"; } close $c; exit 0; } my $c = $srv->accept; while (my $l = <$c>) { print $c uc $l; } waitpid($pid, 0); print "server done, child exit ", $? >> 8, "\n";'] },
  // IPv4 only: found in /etc/hosts, so no DNS query (a machine without a network answers alike).
  { name: 'getent ahostsv4 localhost', argv: ['getent', 'ahostsv4', 'localhost'] },
  sh('bash traps and jobs', "bash -c 'trap \"echo trapped\" USR1; kill -USR1 $$; (sleep 0.1; echo bg) & wait $!; echo status $?; seq 1 4 | xargs -P2 -n1 echo | sort'", ['bash']),
  // Pseudo-terminals inside the guest: script(1) runs a shell on one, python's pty module forks
  // a child onto one and talks to it through the master.
  sh('script on a guest pty', "script -qec 'tty | sed s/[0-9]*$/N/; stty size; stty -a | head -2; echo hi' /dev/null < /dev/null", ['script', 'sed', 'stty']),
  PY('pty.fork', 'import os, pty\npid, fd = pty.fork()\nif pid == 0:\n  os.execvp("sh", ["sh", "-c", "stty -a | head -3; tty | sed s/[0-9]*$/N/; read x; echo got $x"])\nos.write(fd, b"hello\\n")\nout = b""\nwhile True:\n  try: d = os.read(fd, 1024)\n  except OSError: break\n  if not d: break\n  out += d\nprint(repr(out), os.waitpid(pid, 0)[1])\nm, s = os.openpty()\nprint(os.ttyname(s).startswith("/dev/pts/"), os.isatty(m), os.get_terminal_size(s))'),
];
