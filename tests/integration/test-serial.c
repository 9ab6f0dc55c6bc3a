/* test-serial.c — dt-serial on a pty pair: the slave is "the modem line", the master is the far
 * end. Lock files go to a private directory. Needs no privilege (as root, the TIOCEXCL check
 * runs in a child that drops to nobody, since CAP_SYS_ADMIN bypasses TIOCEXCL). Runs in the
 * unit suite; lives here to link libdtio. */
#include "dt-loop.h"
#include "dt-serial.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

typedef struct {
    int master, slave; /* the test keeps the slave open so its termios persists */
    char path[64];
} Pty;

static char lock_dir[] = "/tmp/dt-serial-test-XXXXXX";

static void
pty_open(Pty *p)
{
    struct termios t;

    if (openpty(&p->master, &p->slave, p->path, NULL, NULL) < 0) {
        perror("openpty");
        exit(1);
    }
    /* A recognisable "before" state: cooked, 9600 bps. */
    tcgetattr(p->slave, &t);
    t.c_lflag |= ICANON | ECHO;
    cfsetispeed(&t, B9600);
    cfsetospeed(&t, B9600);
    tcsetattr(p->slave, TCSANOW, &t);
}

static void
pty_close(Pty *p)
{
    if (p->master >= 0)
        close(p->master);
    close(p->slave);
}

static void
lock_path_of(const Pty *p, char *out, size_t cap)
{
    char name[64];
    CHECK(dt_serial_lock_name(p->path, name, sizeof name));
    snprintf(out, cap, "%s/%s", lock_dir, name);
}

static void
write_lock(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static bool
file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void
read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    if (f) {
        n = fread(buf, 1, cap - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
}

static DtSerialConfig
config_for(const Pty *p)
{
    DtSerialConfig c = {.path = p->path, .speed = 115200, .hw_flow = true, .lock_dir = lock_dir};
    return c;
}

static void
test_names_and_speeds(void)
{
    char b[32];

    CHECK(dt_serial_lock_name("/dev/ttyUSB0", b, sizeof b) && strcmp(b, "LCK..ttyUSB0") == 0);
    CHECK(dt_serial_lock_name("/dev/pts/3", b, sizeof b) && strcmp(b, "LCK..pts_3") == 0);
    CHECK(dt_serial_lock_name("/srv/ports/ttyS9", b, sizeof b) && strcmp(b, "LCK..ttyS9") == 0);
    CHECK(!dt_serial_lock_name("/dev/", b, sizeof b));
    CHECK(!dt_serial_lock_name("/dev/ttyUSB0", b, 8));
    CHECK(dt_serial_speed_supported(300));
    CHECK(dt_serial_speed_supported(115200));
    CHECK(dt_serial_speed_supported(921600));
    CHECK(dt_serial_speed_supported(4000000));
    CHECK(!dt_serial_speed_supported(0));
    CHECK(!dt_serial_speed_supported(14400));
    CHECK(!dt_serial_speed_supported(4000001));
}

static void
test_open_lock_termios(void)
{
    Pty p;
    DtSerial s, again;
    DtSerialConfig c;
    DtIoError err;
    struct termios t;
    char lock[256], text[64], want[16];
    int excl = 0;

    pty_open(&p);
    c = config_for(&p);
    lock_path_of(&p, lock, sizeof lock);

    c.speed = 14400;
    CHECK(dt_serial_init(&s, &c, &err) == -EINVAL);
    CHECK(strstr(err.message, "14400 bps") && strstr(err.message, "not a standard"));
    CHECK(!file_exists(lock));
    c.speed = 115200;

    CHECK(dt_serial_init(&s, &c, &err) == 0);
    CHECK(strcmp(s.lock_path, lock) == 0);
    /* HDB format: the PID in ten ASCII columns and a newline. */
    read_file(lock, text, sizeof text);
    snprintf(want, sizeof want, "%10d\n", (int)getpid());
    CHECK(strlen(text) == 11 && strcmp(text, want) == 0);
    {
        struct stat st;
        CHECK(stat(lock, &st) == 0 && (st.st_mode & 0777) == 0644);
    }

    CHECK(tcgetattr(p.slave, &t) == 0);
    CHECK(cfgetospeed(&t) == B115200 && cfgetispeed(&t) == B115200);
    CHECK(!(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)));
    CHECK(!(t.c_iflag & (IXON | IXOFF | ICRNL | INLCR | ISTRIP)));
    CHECK(!(t.c_oflag & OPOST));
    CHECK((t.c_cflag & CSIZE) == CS8 && !(t.c_cflag & (PARENB | CSTOPB)));
    CHECK((t.c_cflag & (CREAD | CLOCAL | HUPCL | CRTSCTS)) == (CREAD | CLOCAL | HUPCL | CRTSCTS));
    CHECK(t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0);
#ifdef TIOCGEXCL
    CHECK(ioctl(p.slave, TIOCGEXCL, &excl) == 0 && excl == 1);
#endif
    CHECK(fcntl(s.fd, F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(s.fd, F_GETFD) & FD_CLOEXEC);

    /* A second open of the same line, even from this process, is refused by the lock. */
    CHECK(dt_serial_init(&again, &c, &err) == -EBUSY);
    CHECK(strstr(err.message, "already open in this process") != NULL);
    CHECK(again.fd == -1);

    /* Speed, flow control, CLOCAL: each lands in the driver's termios. */
    CHECK(dt_serial_set_speed(&s, 4000000, &err) == 0);
    tcgetattr(p.slave, &t);
    CHECK(cfgetospeed(&t) == B4000000 && s.speed == 4000000);
    CHECK(dt_serial_set_speed(&s, 12345, &err) == -EINVAL && strstr(err.message, "12345"));
    tcgetattr(p.slave, &t);
    CHECK(cfgetospeed(&t) == B4000000);
    CHECK(dt_serial_set_speed(&s, 57600, &err) == 0);
    CHECK(dt_serial_set_flow(&s, false, &err) == 0);
    tcgetattr(p.slave, &t);
    CHECK(!(t.c_cflag & CRTSCTS) && cfgetospeed(&t) == B57600);
    CHECK(dt_serial_watch_carrier(&s, true, &err) == 0 && s.watching_carrier);
    tcgetattr(p.slave, &t);
    CHECK(!(t.c_cflag & CLOCAL));
    CHECK(dt_serial_watch_carrier(&s, false, &err) == 0);
    tcgetattr(p.slave, &t);
    CHECK(t.c_cflag & CLOCAL);

    dt_serial_clear(&s);
    CHECK(!file_exists(lock));
    CHECK(s.fd == -1 && s.lock_path[0] == '\0');
    /* The line is back as we found it. */
    tcgetattr(p.slave, &t);
    CHECK((t.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
    CHECK(cfgetospeed(&t) == B9600);
#ifdef TIOCGEXCL
    CHECK(ioctl(p.slave, TIOCGEXCL, &excl) == 0 && excl == 0);
#endif
    dt_serial_clear(&s); /* twice is harmless */
    pty_close(&p);
}

static void
test_stale_and_live_locks(void)
{
    Pty p;
    DtSerial s;
    DtSerialConfig c;
    DtIoError err;
    struct termios t;
    char lock[256], text[64], want[64], word[64];
    struct utimbuf old;
    pid_t child;
    int status;

    pty_open(&p);
    c = config_for(&p);
    lock_path_of(&p, lock, sizeof lock);

    /* A live owner: a child that waits to be killed. */
    child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    snprintf(want, sizeof want, "%10d\n", (int)child);
    write_lock(lock, want);
    CHECK(dt_serial_init(&s, &c, &err) == -EBUSY && err.code == EBUSY);
    snprintf(word, sizeof word, "is in use by process %d", (int)child);
    CHECK(strstr(err.message, word) != NULL);
    CHECK(strstr(err.message, p.path) != NULL);
    read_file(lock, text, sizeof text);
    CHECK(strcmp(text, want) == 0); /* not touched */
    tcgetattr(p.slave, &t);
    CHECK(t.c_lflag & ICANON); /* nor was the line */

    /* The owner dies: its lock is stale, removed, and ours replaces it. */
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    CHECK(dt_serial_init(&s, &c, &err) == 0);
    read_file(lock, text, sizeof text);
    snprintf(want, sizeof want, "%10d\n", (int)getpid());
    CHECK(strcmp(text, want) == 0);
    dt_serial_clear(&s);
    CHECK(!file_exists(lock));

    /* Old-style lock text without padding is read too. */
    child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    snprintf(want, sizeof want, "%d\n", (int)child);
    write_lock(lock, want);
    CHECK(dt_serial_init(&s, &c, &err) == -EBUSY);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);

    /* No PID in it: respected while fresh (its writer may be mid-way), stale when old. */
    write_lock(lock, "garbage");
    CHECK(dt_serial_init(&s, &c, &err) == -EBUSY && strstr(err.message, "without a PID"));
    old.actime = old.modtime = time(NULL) - 60;
    CHECK(utime(lock, &old) == 0);
    CHECK(dt_serial_init(&s, &c, &err) == 0);
    dt_serial_clear(&s);
    CHECK(!file_exists(lock));

    /* Someone broke our lock and took the line: clearing must not delete their lock. */
    CHECK(dt_serial_init(&s, &c, &err) == 0);
    write_lock(lock, "         1\n");
    dt_serial_clear(&s);
    CHECK(file_exists(lock));
    unlink(lock);

    /* A lock directory that was asked for must exist. */
    c.lock_dir = "/nonexistent/dt-lock";
    CHECK(dt_serial_init(&s, &c, &err) == -ENOENT && strstr(err.message, "/nonexistent/dt-lock"));
    c.lock_dir = lock_dir;

    /* A device that does not exist is named as such. */
    c.path = "/dev/dt-no-such-modem";
    CHECK(dt_serial_init(&s, &c, &err) == -ENOENT && strstr(err.message, "does not exist"));
    pty_close(&p);
}

/* The default lock directory: /var/lock, else /run/lock, else none. */
static void
test_default_lock_dir(void)
{
    Pty p;
    DtSerial s;
    DtSerialConfig c;
    DtIoError err;
    struct stat st;
    const char *dir = NULL;
    int rc;

    pty_open(&p);
    c = config_for(&p);
    c.lock_dir = NULL;
    if (stat(DT_SERIAL_LOCK_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        dir = DT_SERIAL_LOCK_DIR;
    else if (stat(DT_SERIAL_LOCK_DIR_FALLBACK, &st) == 0 && S_ISDIR(st.st_mode))
        dir = DT_SERIAL_LOCK_DIR_FALLBACK;
    rc = dt_serial_init(&s, &c, &err);
    if (rc == -EACCES) {
        printf("# default lock dir not writable here: %s\n", err.message);
    } else {
        CHECK(rc == 0);
        if (dir)
            CHECK(strncmp(s.lock_path, dir, strlen(dir)) == 0 && file_exists(s.lock_path));
        else
            CHECK(s.lock_path[0] == '\0');
        printf("# default lock file: '%s'\n", s.lock_path);
        dt_serial_clear(&s);
    }
    pty_close(&p);
}

/* TIOCEXCL: a plain open of the line fails with EBUSY while we hold it. */
static void
test_exclusive(void)
{
    Pty p;
    DtSerial s;
    DtSerialConfig c;
    DtIoError err;
    pid_t child;
    int status = -1;

    pty_open(&p);
    c = config_for(&p);
    CHECK(chmod(p.path, 0666) == 0);
    CHECK(dt_serial_init(&s, &c, &err) == 0);
    child = fork();
    if (child == 0) {
        int fd;
        /* CAP_SYS_ADMIN may open an exclusive tty: test as nobody. */
        if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
            _exit(3);
        fd = open(p.path, O_RDWR | O_NOCTTY | O_NONBLOCK);
        _exit(fd < 0 && errno == EBUSY ? 0 : 1);
    }
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    dt_serial_clear(&s);
    pty_close(&p);
}

typedef struct {
    DtSerial *s;
    DtLoopWatch watch;
    uint8_t got[8192];
    size_t got_len;
    int rc;
    uint32_t events;
} ReadTest;

static void
on_line_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    ReadTest *t = user;
    int n = dt_serial_read(t->s, t->got + t->got_len, sizeof t->got - t->got_len, NULL);
    t->events |= events;
    if (n < 0) {
        t->rc = n;
        dt_loop_remove(loop, w, NULL);
        dt_loop_stop(loop);
        return;
    }
    t->got_len += (size_t)n;
    dt_loop_stop(loop);
}

static void
test_loop_io_and_hangup(void)
{
    Pty p;
    DtSerial s;
    DtSerialConfig c;
    DtIoError err;
    DtLoop loop;
    ReadTest rt;
    uint8_t out[4096], back[4096];
    size_t back_len = 0;
    bool dcd;
    DtTime until;

    pty_open(&p);
    c = config_for(&p);
    CHECK(dt_serial_init(&s, &c, &err) == 0);
    CHECK(dt_loop_init(&loop, &err) == 0);
    memset(&rt, 0, sizeof rt);
    rt.s = &s;
    rt.watch = (DtLoopWatch){.fd = s.fd, .events = EPOLLIN, .func = on_line_cb, .user = &rt};
    CHECK(dt_loop_add(&loop, &rt.watch, &err) == 0);

    /* Nothing waiting: 0, not an error. */
    CHECK(dt_serial_read(&s, rt.got, sizeof rt.got, &err) == 0);

    /* Far end → line, every octet value unchanged (raw: no CR/NL mapping, no XON/XOFF, no ^C). */
    for (size_t i = 0; i < 256; i++)
        out[i] = (uint8_t)i;
    CHECK(write(p.master, out, 256) == 256);
    until = dt_io_now() + 2000;
    while (rt.got_len < 256 && rt.rc == 0 && dt_io_now() < until)
        dt_loop_iterate(&loop, 100, &err);
    CHECK(rt.got_len == 256 && memcmp(rt.got, out, 256) == 0);
    CHECK(s.stats.rx_bytes == 256);

    /* Line → far end. */
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i * 7);
    CHECK(dt_serial_write(&s, out, sizeof out, &err) == (int)sizeof out);
    CHECK(dt_serial_drain(&s, 1000, &err) == 0);
    until = dt_io_now() + 2000;
    while (back_len < sizeof out && dt_io_now() < until) {
        ssize_t n = read(p.master, back + back_len, sizeof back - back_len);
        if (n > 0)
            back_len += (size_t)n;
    }
    CHECK(back_len == sizeof out && memcmp(back, out, sizeof out) == 0);
    CHECK(s.stats.tx_bytes == sizeof out);

    /* A pty has no modem control lines: said plainly, not pretended. */
    CHECK(dt_serial_get_carrier(&s, &dcd, &err) == -ENOTTY);
    CHECK(strstr(err.message, "no modem control lines") != NULL);
    CHECK(dt_serial_set_dtr(&s, false, &err) == -ENOTTY);
    CHECK(dt_serial_hangup(&s, 0, &err) == -ENOTTY && strstr(err.message, "dropping DTR"));

    /* The far end goes away: EPOLLHUP, and the read says the line was hung up. */
    close(p.master);
    p.master = -1;
    until = dt_io_now() + 2000;
    while (rt.rc == 0 && dt_io_now() < until)
        dt_loop_iterate(&loop, 100, &err);
    CHECK(rt.rc == -ENOLINK && s.hung_up);
    CHECK(rt.events & EPOLLHUP);
    CHECK(dt_serial_read(&s, rt.got, 1, &err) == -ENOLINK && strstr(err.message, "hung up"));

    dt_loop_clear(&loop);
    dt_serial_clear(&s);
    pty_close(&p);
}

int
main(void)
{
    if (!mkdtemp(lock_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_names_and_speeds();
    test_open_lock_termios();
    test_stale_and_live_locks();
    test_default_lock_dir();
    test_exclusive();
    test_loop_io_and_hangup();
    CHECK(rmdir(lock_dir) == 0); /* no lock and no temporary file left behind */
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("serial: all checks passed\n");
    return 0;
}
