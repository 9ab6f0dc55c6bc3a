/* dt-serial.c — serial lines: UUCP lock files, raw termios, DTR and DCD. */
#include "dt-serial.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* An unreadable lock younger than this may be one another program is still writing (it used
 * O_EXCL and has not written its PID yet): it is respected; an older one is stale. */
#define LOCK_UNREADABLE_GRACE_S 5
#define LOCK_ATTEMPTS 3

static const struct {
    uint32_t bps;
    speed_t code;
} speeds[] = {
    {50, B50},           {75, B75},         {110, B110},       {134, B134},     {150, B150},
    {200, B200},         {300, B300},       {600, B600},       {1200, B1200},   {1800, B1800},
    {2400, B2400},       {4800, B4800},     {9600, B9600},     {19200, B19200}, {38400, B38400},
    {57600, B57600},     {115200, B115200}, {230400, B230400},
#ifdef B460800
    {460800, B460800},
#endif
#ifdef B500000
    {500000, B500000},
#endif
#ifdef B576000
    {576000, B576000},
#endif
#ifdef B921600
    {921600, B921600},
#endif
#ifdef B1000000
    {1000000, B1000000},
#endif
#ifdef B1152000
    {1152000, B1152000},
#endif
#ifdef B1500000
    {1500000, B1500000},
#endif
#ifdef B2000000
    {2000000, B2000000},
#endif
#ifdef B2500000
    {2500000, B2500000},
#endif
#ifdef B3000000
    {3000000, B3000000},
#endif
#ifdef B3500000
    {3500000, B3500000},
#endif
#ifdef B4000000
    {4000000, B4000000},
#endif
};

static bool
speed_code(uint32_t bps, speed_t *code)
{
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
        if (speeds[i].bps == bps) {
            *code = speeds[i].code;
            return true;
        }
    }
    return false;
}

bool
dt_serial_speed_supported(uint32_t bps)
{
    speed_t code;
    return speed_code(bps, &code);
}

bool
dt_serial_lock_name(const char *device, char *out, size_t cap)
{
    const char *name = device;
    size_t n;

    if (strncmp(device, "/dev/", 5) == 0) {
        name = device + 5;
    } else {
        const char *slash = strrchr(device, '/');
        if (slash)
            name = slash + 1;
    }
    if (*name == '\0')
        return false;
    n = (size_t)snprintf(out, cap, "LCK..%s", name);
    if (n >= cap)
        return false;
    for (char *p = out + 5; *p; p++) {
        if (*p == '/')
            *p = '_';
    }
    return true;
}

/* The PID in an HDB lock file ("      1234\n"), or 0 when it holds no plausible one. */
static pid_t
read_lock_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    char *end;
    long pid;

    if (n <= 0)
        return 0;
    buf[n] = '\0';
    errno = 0;
    pid = strtol(buf, &end, 10);
    if (errno || end == buf || pid <= 0 || pid > INT32_MAX)
        return 0;
    while (*end == ' ' || *end == '\n')
        end++;
    return *end == '\0' ? (pid_t)pid : 0;
}

/* Writes our PID to a private file and links it to the lock name: link() either creates the
 * whole lock at once or fails with EEXIST, so nobody ever sees a half-written lock of ours. */
static int
create_lock(const char *lock_path, const char *dir, DtIoError *err)
{
    char tmp[PATH_MAX];
    char text[16];
    int fd, rc = 0;
    int len = snprintf(text, sizeof text, "%10d\n", (int)getpid());

    if ((size_t)snprintf(tmp, sizeof tmp, "%s/LTMP.XXXXXX", dir) >= sizeof tmp)
        return dt_io_fail(err, ENAMETOOLONG, "creating a lock file in %s", dir);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return dt_io_fail(err, errno, "creating the lock file %s", lock_path);
    /* Readable by all: other programs read the PID to tell a live lock from a stale one. */
    if (fchmod(fd, 0644) < 0 || write(fd, text, (size_t)len) != len)
        rc = dt_io_fail(err, errno ? errno : EIO, "writing the lock file %s", tmp);
    close(fd);
    if (rc == 0 && link(tmp, lock_path) < 0) {
        if (errno == EEXIST)
            rc = -EEXIST;
        else
            rc = dt_io_fail(err, errno, "creating the lock file %s", lock_path);
    }
    unlink(tmp);
    return rc;
}

/* 0: the lock is ours. -EEXIST: a stale lock was removed, try again. Else the error. */
static int
check_existing_lock(const char *device, const char *lock_path, DtIoError *err)
{
    struct stat st;
    pid_t pid;
    int fd = open(lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0) {
        if (errno == ENOENT)
            return -EEXIST; /* its owner just removed it */
        return dt_io_fail(err, errno, "reading the lock file %s", lock_path);
    }
    pid = read_lock_pid(fd);
    if (fstat(fd, &st) < 0)
        st.st_mtime = 0;
    close(fd);
    if (pid == getpid())
        return dt_io_fail(err, EBUSY, "The modem %s is already open in this process (lock file %s)",
                          device, lock_path);
    if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
        return dt_io_fail(err, EBUSY, "The modem %s is in use by process %d (lock file %s)", device,
                          (int)pid, lock_path);
    if (pid == 0 && time(NULL) - st.st_mtime < LOCK_UNREADABLE_GRACE_S)
        return dt_io_fail(err, EBUSY,
                          "The modem %s is being locked by another program (lock file %s "
                          "without a PID yet)",
                          device, lock_path);
    /* Its owner is gone (ESRCH), or it never held a PID: stale. */
    if (unlink(lock_path) < 0 && errno != ENOENT)
        return dt_io_fail(err, errno, "removing the stale lock file %s", lock_path);
    return -EEXIST;
}

static int
take_lock(DtSerial *s, const char *cfg_dir, DtIoError *err)
{
    char name[NAME_MAX + 1];
    const char *dir = cfg_dir;
    struct stat st;

    if (!dt_serial_lock_name(s->path, name, sizeof name))
        return dt_io_fail(err, ENAMETOOLONG, "naming the lock file of %s", s->path);
    if (!dir) {
        dir = DT_SERIAL_LOCK_DIR;
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
            dir = DT_SERIAL_LOCK_DIR_FALLBACK;
            if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0; /* no lock directory at all: TIOCEXCL alone (see the header) */
        }
    }
    if ((size_t)snprintf(s->lock_path, sizeof s->lock_path, "%s/%s", dir, name) >=
        sizeof s->lock_path) {
        s->lock_path[0] = '\0';
        return dt_io_fail(err, ENAMETOOLONG, "naming the lock file of %s in %s", s->path, dir);
    }
    for (int i = 0; i < LOCK_ATTEMPTS; i++) {
        int rc = create_lock(s->lock_path, dir, err);
        if (rc == -EEXIST)
            rc = check_existing_lock(s->path, s->lock_path, err);
        else if (rc == 0)
            return 0;
        if (rc != -EEXIST) {
            s->lock_path[0] = '\0';
            return rc;
        }
    }
    {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s", s->lock_path);
        s->lock_path[0] = '\0';
        return dt_io_fail(err, EBUSY, "The modem %s: its lock file %s keeps coming back", s->path,
                          path);
    }
}

static void
drop_lock(DtSerial *s)
{
    int fd;

    if (s->lock_path[0] == '\0')
        return;
    /* Only our own: after a stale-lock takeover by someone else it is theirs. */
    fd = open(s->lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        if (read_lock_pid(fd) == getpid())
            unlink(s->lock_path);
        close(fd);
    }
    s->lock_path[0] = '\0';
}

/* Sets t and reads it back: tcsetattr() succeeds when *any* of the change took (POSIX). */
static int
apply_termios(DtSerial *s, const struct termios *t, const char *what, DtIoError *err)
{
    struct termios got;

    if (tcsetattr(s->fd, TCSANOW, t) < 0)
        return dt_io_fail(err, errno, "setting %s on %s", what, s->path);
    if (tcgetattr(s->fd, &got) < 0)
        return dt_io_fail(err, errno, "reading back the settings of %s", s->path);
    if (cfgetospeed(&got) != cfgetospeed(t) || cfgetispeed(&got) != cfgetispeed(t))
        return dt_io_fail(err, EINVAL, "setting %s on %s (the driver refused the speed)", what,
                          s->path);
    if ((got.c_cflag & (CSIZE | PARENB | CSTOPB | CRTSCTS | CLOCAL)) !=
        (t->c_cflag & (CSIZE | PARENB | CSTOPB | CRTSCTS | CLOCAL)))
        return dt_io_fail(err, EINVAL,
                          "setting %s on %s (the driver refused 8N1, CLOCAL or the flow control)",
                          what, s->path);
    return 0;
}

static int
current(DtSerial *s, struct termios *t, DtIoError *err)
{
    if (s->fd < 0)
        return dt_io_fail(err, EBADF, "configuring a closed serial line");
    if (tcgetattr(s->fd, t) < 0)
        return dt_io_fail(err, errno, "reading the settings of %s", s->path);
    return 0;
}

int
dt_serial_set_speed(DtSerial *s, uint32_t bps, DtIoError *err)
{
    struct termios t;
    speed_t code;
    char what[48];
    int rc;

    if (!speed_code(bps, &code))
        return dt_io_fail(err, EINVAL,
                          "setting %s to %u bps (not a standard serial speed: 50 … 115200, "
                          "230400 … 4000000)",
                          s->path, bps);
    rc = current(s, &t, err);
    if (rc < 0)
        return rc;
    cfsetispeed(&t, code);
    cfsetospeed(&t, code);
    snprintf(what, sizeof what, "the speed %u bps", bps);
    rc = apply_termios(s, &t, what, err);
    if (rc == 0)
        s->speed = bps;
    return rc;
}

int
dt_serial_set_flow(DtSerial *s, bool hw_flow, DtIoError *err)
{
    struct termios t;
    int rc = current(s, &t, err);

    if (rc < 0)
        return rc;
    if (hw_flow)
        t.c_cflag |= CRTSCTS;
    else
        t.c_cflag &= ~(tcflag_t)CRTSCTS;
    rc = apply_termios(s, &t, hw_flow ? "RTS/CTS flow control" : "no flow control", err);
    if (rc == 0)
        s->hw_flow = hw_flow;
    return rc;
}

int
dt_serial_watch_carrier(DtSerial *s, bool on, DtIoError *err)
{
    struct termios t;
    int rc = current(s, &t, err);

    if (rc < 0)
        return rc;
    if (on)
        t.c_cflag &= ~(tcflag_t)CLOCAL;
    else
        t.c_cflag |= CLOCAL;
    rc = apply_termios(s, &t, on ? "carrier watch (CLOCAL off)" : "CLOCAL", err);
    if (rc == 0)
        s->watching_carrier = on;
    return rc;
}

static int
modem_lines_fail(DtSerial *s, int code, const char *what, DtIoError *err)
{
    if (code == ENOTTY || code == EINVAL)
        return dt_io_fail(err, ENOTTY, "%s on %s (the line has no modem control lines, e.g. a pty)",
                          what, s->path);
    return dt_io_fail(err, code, "%s on %s", what, s->path);
}

int
dt_serial_get_carrier(DtSerial *s, bool *dcd, DtIoError *err)
{
    int bits = 0;

    if (s->fd < 0)
        return dt_io_fail(err, EBADF, "reading DCD of a closed serial line");
    if (ioctl(s->fd, TIOCMGET, &bits) < 0)
        return modem_lines_fail(s, errno, "reading DCD", err);
    *dcd = (bits & TIOCM_CD) != 0;
    return 0;
}

int
dt_serial_set_dtr(DtSerial *s, bool on, DtIoError *err)
{
    int bits = TIOCM_DTR;

    if (s->fd < 0)
        return dt_io_fail(err, EBADF, "setting DTR of a closed serial line");
    if (ioctl(s->fd, on ? TIOCMBIS : TIOCMBIC, &bits) < 0)
        return modem_lines_fail(s, errno, on ? "raising DTR" : "dropping DTR", err);
    return 0;
}

int
dt_serial_hangup(DtSerial *s, unsigned hold_ms, DtIoError *err)
{
    struct timespec ts;
    int rc;

    if (hold_ms < DT_SERIAL_HANGUP_MS)
        hold_ms = DT_SERIAL_HANGUP_MS;
    if (s->watching_carrier && !s->hung_up) {
        rc = dt_serial_watch_carrier(s, false, err);
        if (rc < 0)
            return rc;
    }
    rc = dt_serial_set_dtr(s, false, err);
    if (rc < 0)
        return rc;
    ts.tv_sec = hold_ms / 1000;
    ts.tv_nsec = (long)(hold_ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    /* What the modem said while dropping the call, and our unsent PPP, are of no use. */
    tcflush(s->fd, TCIOFLUSH);
    return dt_serial_set_dtr(s, true, err);
}

static int
hung_up(DtSerial *s, const char *what, DtIoError *err)
{
    s->hung_up = true;
    if (s->watching_carrier)
        return dt_io_fail(err, ENOLINK, "%s %s: the modem dropped carrier (DCD)", what, s->path);
    return dt_io_fail(err, ENOLINK, "%s %s: the line was hung up (its other end closed)", what,
                      s->path);
}

int
dt_serial_read(DtSerial *s, uint8_t *buf, size_t cap, DtIoError *err)
{
    ssize_t n;

    if (s->fd < 0)
        return dt_io_fail(err, EBADF, "reading from a closed serial line");
    if (cap > INT32_MAX)
        cap = INT32_MAX;
    do
        n = read(s->fd, buf, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        /* A hung-up tty reads as EOF; a pty whose master closed reads EIO. */
        if (errno == EIO)
            return hung_up(s, "reading from", err);
        return dt_io_fail(err, errno, "reading from %s", s->path);
    }
    if (n == 0 && cap > 0)
        return hung_up(s, "reading from", err);
    s->stats.rx_bytes += (uint64_t)n;
    return (int)n;
}

int
dt_serial_write(DtSerial *s, const uint8_t *buf, size_t len, DtIoError *err)
{
    ssize_t n;

    if (s->fd < 0)
        return dt_io_fail(err, EBADF, "writing to a closed serial line");
    if (len > INT32_MAX)
        len = INT32_MAX;
    do
        n = write(s->fd, buf, len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno == EIO)
            return hung_up(s, "writing to", err);
        return dt_io_fail(err, errno, "writing to %s", s->path);
    }
    s->stats.tx_bytes += (uint64_t)n;
    return (int)n;
}

int
dt_serial_drain(DtSerial *s, unsigned timeout_ms, DtIoError *err)
{
    /* tcdrain() can block forever on a flow-controlled line, so poll the output queue. */
    for (unsigned waited = 0;; waited += 10) {
        int queued = 0;
        struct timespec ts = {0, 10 * 1000000L};
        if (ioctl(s->fd, TIOCOUTQ, &queued) < 0)
            return dt_io_fail(err, errno, "reading the output queue of %s", s->path);
        if (queued == 0)
            return 0;
        if (waited >= timeout_ms)
            return dt_io_fail(err, ETIMEDOUT, "draining %s (%d octets still queued after %u ms)",
                              s->path, queued, timeout_ms);
        nanosleep(&ts, NULL);
    }
}

int
dt_serial_init(DtSerial *s, const DtSerialConfig *cfg, DtIoError *err)
{
    struct termios t;
    speed_t code;
    int rc, saved;

    memset(s, 0, sizeof *s);
    s->fd = -1;
    if (!cfg->path || !*cfg->path)
        return dt_io_fail(err, EINVAL, "opening a serial line (no device given)");
    if (!speed_code(cfg->speed, &code))
        return dt_io_fail(err, EINVAL,
                          "opening %s at %u bps (not a standard serial speed: 50 … 115200, "
                          "230400 … 4000000)",
                          cfg->path, cfg->speed);
    /* The lock is named after the device itself, so two names of one port share a lock. */
    if (!realpath(cfg->path, s->path)) {
        saved = errno;
        if (saved == ENOENT)
            return dt_io_fail(err, saved, "The modem %s does not exist", cfg->path);
        return dt_io_fail(err, saved, "opening %s", cfg->path);
    }
    rc = take_lock(s, cfg->lock_dir, err);
    if (rc < 0)
        return rc;
    s->fd = open(s->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0) {
        saved = errno;
        drop_lock(s);
        if (saved == EBUSY)
            return dt_io_fail(err, saved,
                              "The modem %s is in use (another program opened it exclusively)",
                              s->path);
        return dt_io_fail(err, saved, "opening the modem %s", s->path);
    }
    if (!isatty(s->fd)) {
        dt_serial_clear(s);
        return dt_io_fail(err, ENOTTY, "opening %s (not a serial line)", cfg->path);
    }
    if (ioctl(s->fd, TIOCEXCL) < 0) {
        saved = errno;
        dt_serial_clear(s);
        return dt_io_fail(err, saved, "taking %s exclusively (TIOCEXCL)", cfg->path);
    }
    if (tcgetattr(s->fd, &s->saved) < 0) {
        saved = errno;
        dt_serial_clear(s);
        return dt_io_fail(err, saved, "reading the settings of %s", cfg->path);
    }
    s->saved_valid = true;

    /* Raw: no line discipline editing, no echo, no signals, no CR/NL mapping, no XON/XOFF
     * (PPP escapes those itself, RFC 1662 §4.2), 8 data bits, no parity, one stop bit. */
    t = s->saved;
    cfmakeraw(&t);
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB | CRTSCTS);
    /* CLOCAL until CONNECT; HUPCL so that closing drops DTR even if we die. */
    t.c_cflag |= CS8 | CREAD | CLOCAL | HUPCL;
    if (cfg->hw_flow)
        t.c_cflag |= CRTSCTS;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    cfsetispeed(&t, code);
    cfsetospeed(&t, code);
    rc = apply_termios(s, &t, "raw 8N1 mode, speed and flow control", err);
    if (rc < 0) {
        dt_serial_clear(s);
        return rc;
    }
    s->speed = cfg->speed;
    s->hw_flow = cfg->hw_flow;
    /* The modem may have echoed or said something before we configured the line. */
    tcflush(s->fd, TCIFLUSH);
    return 0;
}

void
dt_serial_clear(DtSerial *s)
{
    if (s->fd >= 0) {
        /* Put the line back as we found it; TCSANOW: do not wait for a stuck output. */
        if (s->saved_valid)
            tcsetattr(s->fd, TCSANOW, &s->saved);
        ioctl(s->fd, TIOCNXCL);
        close(s->fd);
    }
    s->fd = -1;
    s->saved_valid = false;
    drop_lock(s);
}
