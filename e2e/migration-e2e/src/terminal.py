# Runs a command in a pseudo-terminal and answers its prompts, so that an e2e test can drive an
# interactive `nx g` as a person would. Usage: terminal.py '<argv JSON>' '<[[regex, keys], ...] JSON>'
# Prints what the terminal showed (ANSI codes removed) and exits with the command's exit code.
import fcntl, json, os, pty, re, select, struct, sys, termios, time

ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r')
argv, steps = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    # A terminal of 40 rows by 120 columns: a new pty has 0 by 0, and prompts wrap after every character.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
    os.execvp(argv[0], argv)

shown = ''

def read(deadline):
    global shown
    ready, _, _ = select.select([fd], [], [], max(0, min(1, deadline - time.time())))
    if not ready:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    shown += ANSI.sub('', data.decode('utf-8', 'replace'))
    return True

seen = 0
for pattern, keys in steps:
    deadline = time.time() + 180
    while not re.search(pattern, shown[seen:]):
        if time.time() > deadline or not read(deadline):
            print(shown)
            print(f'terminal.py: no prompt matching {pattern!r}', file=sys.stderr)
            os.kill(pid, 9)
            sys.exit(3)
    seen = re.search(pattern, shown[seen:]).end() + seen
    time.sleep(0.3)  # let the prompt finish drawing before typing
    os.write(fd, keys.encode())

deadline = time.time() + 600
while read(deadline) and time.time() < deadline:
    pass
_, status = os.waitpid(pid, 0)
print(shown)
sys.exit(os.waitstatus_to_exitcode(status))
