#!/usr/bin/env python3
"""Generate the glibc patch series from the project's sources.

usage: scripts/glibc-series.py [-o OUTDIR] [--keep BRANCH]
                               [--upstream-base COMMIT] GLIBC_TREE

GLIBC_TREE is a git work tree of glibc (upstream master, or Debian's
2.41 tarball committed into a fresh repository), clean at the commit the
series is for.  The script commits the project onto a temporary branch
of that tree, one commit per entry of scripts/glibc-series/, writes the
commits with git format-patch (and a cover letter) into OUTDIR
(default: glibc-series/ at the top of the project), and returns the
tree to where it was, unless --keep names a branch to leave the commits
on.  The cover letter ends with "base-commit: " and the tree's HEAD, or
COMMIT: a copy of an upstream checkout committed into a new repository
(needed when the stored upstream repository lacks some blobs, so that
git cannot commit on top of it) gives the same patches, and COMMIT
names the upstream commit they are for.

What goes where is data, not code:
  scripts/glibc-series/NN-ID.txt  one commit each, in NN order: the
      subject line, a blank line and the message body; @VERSION@
      (GLIBC_2.43) and @RELEASE@ (2.43) are substituted, and a
      Signed-off-by line is added.
  scripts/glibc-series/00-cover.txt  the cover letter, same format.
  scripts/glibc-series/rules  "PATTERN ID" lines, first match wins:
      which commit takes each file of the project.  A file that only
      the catch-all rule matches is reported.
  scripts/glibc-series/filters  "PATTERN ID COMMAND" lines: before
      commit ID, the file is committed as the output of COMMAND (run by
      sh with the file on standard input); commit ID brings the file
      itself.

The files of the project that go into glibc are the tracked and
untracked, not ignored, files under the glibc directories the project
shares (bits, include, manual, misc, sysdeps, and any other top-level
directory that glibc has, except scripts): new files are copied, a
FILE.patch (or FILE.SOMETHING.patch) is applied with patch -p1.  Three
changes depend on the tree and are generated: @news inserts NEWS.entry
under "Major new features" of the release being developed, @versions
adds the functions declared in misc/sys/tramp.h to the libc part of
sysdeps/unix/sysv/linux/Versions, and @abilist adds them to every
libc.abilist of the Linux ports (sysdeps/generic/libc.abilist and Hurd
stay untouched).  The symbol version is the release after the one in
the tree's version.h: 2.42.9000 (master) gives GLIBC_2.43, 2.41 gives
GLIBC_2.42; GLIBC_SERIES_VERSION=GLIBC_X.Y overrides it.

The manual's patches are skipped on a tree without the manual (Debian's
tarball).  A patch that does not apply exactly is retried with fuzz 2
(context that differs between releases), and that is reported.
"""

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERIES = os.path.join(TOP, 'scripts', 'glibc-series')
# Project directories that glibc also has but that are not part of the
# patch set.
NOT_GLIBC = {'scripts'}


def run(cmd, cwd=None, env=None, input=None, check=True):
    r = subprocess.run(cmd, cwd=cwd, env=env, input=input, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        sys.exit('glibc-series: %s failed:\n%s%s'
                 % (' '.join(cmd), r.stdout, r.stderr))
    return r


def git(tree, *args, **kw):
    return run(['git', '-C', tree] + list(args), **kw).stdout


def read_rules(name, fields):
    rules = []
    path = os.path.join(SERIES, name)
    if not os.path.exists(path):
        return rules
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, fields - 1)
            if len(parts) < fields:
                sys.exit('glibc-series: %s: bad line: %s' % (name, line))
            rules.append(parts)
    return rules


def read_commits():
    commits = []
    for name in sorted(os.listdir(SERIES)):
        m = re.fullmatch(r'(\d\d)-([\w.-]+)\.txt', name)
        if not m or m.group(1) == '00':
            continue
        with open(os.path.join(SERIES, name)) as f:
            commits.append((m.group(2), f.read()))
    return commits


def glibc_version(tree):
    with open(os.path.join(tree, 'version.h')) as f:
        m = re.search(r'#define VERSION "(\d+)\.(\d+)', f.read())
    major, minor = int(m.group(1)), int(m.group(2))
    release = '%d.%d' % (major, minor + 1)
    override = os.environ.get('GLIBC_SERIES_VERSION')
    if override:
        release = override.replace('GLIBC_', '')
    return 'GLIBC_' + release, release


def project_files(tree):
    out = run(['git', '-C', TOP, 'ls-files', '--cached', '--others',
               '--exclude-standard'], check=True).stdout.split('\n')
    files = []
    for f in sorted(set(out)):
        if not f or not os.path.isfile(os.path.join(TOP, f)):
            continue
        d = f.split('/', 1)[0]
        if '/' not in f:
            continue
        if d in NOT_GLIBC:
            continue
        if d != 'bits' and not os.path.isdir(os.path.join(tree, d)):
            continue
        files.append(f)
    return files


def api_functions():
    with open(os.path.join(TOP, 'misc', 'sys', 'tramp.h')) as f:
        text = re.sub(r'/\*.*?\*/', '', f.read(), flags=re.S)
    names = re.findall(r'\bextern\s+[^;(]*?\b([A-Za-z_]\w*)\s*\(', text)
    if not names:
        sys.exit('glibc-series: no functions in misc/sys/tramp.h')
    return sorted(set(names))


def edit_news(tree, release):
    path = os.path.join(tree, 'NEWS')
    with open(os.path.join(TOP, 'NEWS.entry')) as f:
        entry = f.read().rstrip('\n') + '\n'
    with open(path) as f:
        text = f.read()
    m = re.search(r'^Version (\S+)\n', text, re.M)
    if m and m.group(1) == release:
        # The release being developed: first item of its feature list,
        # creating the list if the section has none yet.
        sec_end = re.search(r'^Version ', text[m.end():], re.M)
        sec_end = m.end() + sec_end.start() if sec_end else len(text)
        feat = re.compile(r'^Major new features:\n\n', re.M).search(
            text, m.end(), sec_end)
        if feat:
            pos = feat.end()
            text = text[:pos] + entry + '\n' + text[pos:]
        else:
            pos = m.end() + 1
            text = (text[:pos] + 'Major new features:\n\n' + entry + '\n'
                    + text[pos:])
    else:
        pos = m.start() if m else len(text)
        text = (text[:pos] + 'Version %s\n\nMajor new features:\n\n%s\n'
                % (release, entry) + text[pos:])
    with open(path, 'w') as f:
        f.write(text)


def edit_versions(tree, version, functions):
    path = os.path.join(tree, 'sysdeps', 'unix', 'sysv', 'linux', 'Versions')
    with open(path) as f:
        text = f.read()
    lib = re.search(r'^libc \{\n', text, re.M)
    end = re.search(r'^\}\n', text[lib.end():], re.M)
    body_start, body_end = lib.end(), lib.end() + end.start()
    body = text[body_start:body_end]
    node = re.search(r'^  %s \{\n' % re.escape(version), body, re.M)
    lines = ''.join('    %s;\n' % fn for fn in functions)
    if node:
        close = body.index('  }\n', node.end())
        body = body[:close] + lines + body[close:]
    else:
        new = '  %s {\n%s  }\n' % (version, lines)
        priv = re.search(r'^  GLIBC_PRIVATE \{\n', body, re.M)
        pos = priv.start() if priv else len(body)
        body = body[:pos] + new + body[pos:]
    text = text[:body_start] + body + text[body_end:]
    with open(path, 'w') as f:
        f.write(text)


def edit_abilists(tree, version, functions):
    root = os.path.join(tree, 'sysdeps', 'unix', 'sysv', 'linux')
    n = 0
    for d, _, names in os.walk(root):
        if 'libc.abilist' not in names:
            continue
        path = os.path.join(d, 'libc.abilist')
        with open(path) as f:
            lines = f.read().splitlines()
        lines += ['%s %s F' % (version, fn) for fn in functions]
        # The order "make update-abi" gives.
        lines = sorted(set(lines), key=lambda s: s.encode())
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        n += 1
    return n


def apply_patch(tree, patch, log):
    for fuzz in ('0', '2'):
        r = run(['patch', '-d', tree, '-p1', '-s', '-N', '-F', fuzz,
                 '--no-backup-if-mismatch', '--dry-run', '-i', patch],
                check=False)
        if r.returncode == 0:
            run(['patch', '-d', tree, '-p1', '-s', '-N', '-F', fuzz,
                 '--no-backup-if-mismatch', '-i', patch])
            if fuzz != '0':
                log.append('%s: applied with fuzz %s'
                           % (os.path.relpath(patch, TOP), fuzz))
            return
    sys.exit('glibc-series: %s does not apply:\n%s%s'
             % (os.path.relpath(patch, TOP), r.stdout, r.stderr))


def message(text, version, release, signoff):
    text = text.replace('@VERSION@', version).replace('@RELEASE@', release)
    return text.rstrip('\n') + '\n\nSigned-off-by: %s\n' % signoff


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('-o', '--out', default=os.path.join(TOP, 'glibc-series'))
    ap.add_argument('--keep', metavar='BRANCH')
    ap.add_argument('--upstream-base', metavar='COMMIT')
    ap.add_argument('tree')
    args = ap.parse_args()
    tree = os.path.abspath(args.tree)

    if git(tree, 'status', '--porcelain', '--untracked-files=no').strip():
        sys.exit('glibc-series: %s has uncommitted changes' % tree)
    base = git(tree, 'rev-parse', 'HEAD').strip()
    orig = git(tree, 'symbolic-ref', '-q', '--short', 'HEAD',
               check=False).strip() or base
    version, release = glibc_version(tree)
    functions = api_functions()
    have_manual = os.path.exists(os.path.join(tree, 'manual', 'libc.texinfo'))

    commits = read_commits()
    ids = [c[0] for c in commits]
    rules = read_rules('rules', 2)
    filters = read_rules('filters', 3)
    for pat, cid in rules:
        if cid not in ids:
            sys.exit('glibc-series: rules: no commit %s' % cid)

    # Assign every file, and the generated changes, to a commit.
    assign = {cid: [] for cid in ids}
    log = []
    for f in project_files(tree) + ['@news', '@versions', '@abilist']:
        for pat, cid in rules:
            if fnmatch.fnmatchcase(f, pat):
                assign[cid].append(f)
                if pat == '*':
                    log.append('%s: no rule, goes to %s' % (f, cid))
                break
        else:
            sys.exit('glibc-series: no rule for %s' % f)

    # Identity for the commits: the project's git identity, dated like
    # the project's HEAD so that the output only changes with the
    # sources.
    def ident(what):
        return run(['git', '-C', TOP, 'config', what],
                   check=False).stdout.strip()
    name = os.environ.get('GIT_AUTHOR_NAME') or ident('user.name') \
        or run(['git', '-C', TOP, 'log', '-1', '--format=%an'],
               check=True).stdout.strip()
    email = os.environ.get('GIT_AUTHOR_EMAIL') or ident('user.email') \
        or run(['git', '-C', TOP, 'log', '-1', '--format=%ae'],
               check=True).stdout.strip()
    date = run(['git', '-C', TOP, 'log', '-1', '--format=%cI'],
               check=True).stdout.strip()
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email,
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    signoff = '%s <%s>' % (name, email)

    branch = args.keep or 'glibc-series-tmp'
    git(tree, 'checkout', '-q', '-B', branch, base)
    try:
        for cid, text in commits:
            later = ids[ids.index(cid) + 1:]
            for f in assign[cid]:
                src = os.path.join(TOP, f)
                if f == '@news':
                    edit_news(tree, release)
                elif f == '@versions':
                    edit_versions(tree, version, functions)
                elif f == '@abilist':
                    edit_abilists(tree, version, functions)
                elif f.endswith('.patch'):
                    if f.startswith('manual/') and not have_manual:
                        log.append('%s: skipped, the tree has no manual' % f)
                        continue
                    apply_patch(tree, src, log)
                else:
                    dst = os.path.join(tree, f)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    cmd = [c for p, c2, c in filters
                           if c2 in later and fnmatch.fnmatchcase(f, p)]
                    if cmd:
                        with open(src) as i:
                            out = run(['sh', '-c', cmd[0]], input=i.read(),
                                      check=False)
                        if out.returncode not in (0, 1):
                            sys.exit('glibc-series: %s: %s failed'
                                     % (f, cmd[0]))
                        with open(dst, 'w') as o:
                            o.write(out.stdout)
                    else:
                        shutil.copyfile(src, dst)
            # Files brought in filtered earlier, now whole.
            for p, c2, c in filters:
                if c2 != cid:
                    continue
                for f in sum(assign.values(), []):
                    if fnmatch.fnmatchcase(f, p) and f not in assign[cid]:
                        shutil.copyfile(os.path.join(TOP, f),
                                        os.path.join(tree, f))
            git(tree, 'add', '-A')
            git(tree, 'commit', '-q', '--allow-empty', '-F', '-',
                input=message(text, version, release, signoff), env=env)

        # The series, with a cover letter.
        out = os.path.abspath(args.out)
        if os.path.isdir(out):
            for n in os.listdir(out):
                if n.endswith('.patch'):
                    os.unlink(os.path.join(out, n))
        os.makedirs(out, exist_ok=True)
        git(tree, 'format-patch', '-q', '--zero-commit', '--no-signature',
            '--cover-letter', '-o', out, '%s..HEAD' % base, env=env)
        with open(os.path.join(SERIES, '00-cover.txt')) as f:
            cover = f.read().replace('@VERSION@', version) \
                            .replace('@RELEASE@', release)
        subject, _, blurb = cover.partition('\n\n')
        cl = [n for n in os.listdir(out) if n.startswith('0000-')][0]
        path = os.path.join(out, cl)
        with open(path) as f:
            text = f.read()
        text = text.replace('*** SUBJECT HERE ***', subject.strip())
        text = text.replace('*** BLURB HERE ***', blurb.rstrip('\n')
                            + '\n\nSigned-off-by: %s' % signoff)
        text = text.rstrip('\n') + '\n\nbase-commit: %s\n' \
            % (args.upstream_base or base)
        with open(path, 'w') as f:
            f.write(text)
    finally:
        if not args.keep:
            git(tree, 'reset', '-q', '--hard')
            git(tree, 'checkout', '-q', orig)
            git(tree, 'branch', '-q', '-D', branch)

    for line in log:
        print('note: ' + line)
    print('glibc-series: %d patches for %s (%s) in %s'
          % (len(commits), version, base[:12], os.path.relpath(out)))


if __name__ == '__main__':
    main()
