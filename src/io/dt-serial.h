/* dt-serial.h — the serial line of a dial-up link: open, lock, raw termios, DTR and DCD.
 *
 * Opening takes, in this order: the UUCP lock file (FHS 3.0 §5.9: /var/lock/LCK..<device>,
 * holding the owner's PID as ten ASCII digits and a newline — the HDB format), then the tty
 * (O_NOCTTY so it never becomes our controlling terminal; O_NONBLOCK so the open does not wait
 * for DCD on a modem port, and kept so the loop drives it), then TIOCEXCL (no other open except
 * with CAP_SYS_ADMIN), then raw 8N1 termios at the asked speed. Locking comes first so that a
 * line another program is using is never touched, not even by our open.
 *
 * The lock directory: /var/lock, else /run/lock (on Debian and Fedora one is a symlink to the
 * other). When neither exists the line is opened without a lock file — creating a system
 * directory is the distribution's business (systemd-tmpfiles makes /run/lock), and without one
 * there is no lock-file user to cooperate with — and TIOCEXCL is the only guard;
 * DtSerial.lock_path is then "". A lock directory that exists but refuses us is an error.
 *
 * Carrier: the line starts with CLOCAL set (DCD ignored) so that the modem dialogue works
 * before there is a carrier. Once the modem says CONNECT, dt_serial_watch_carrier(s, true)
 * clears CLOCAL; from then on the kernel hangs the tty up when DCD drops, and dt_serial_read()
 * reports that as -ENOLINK (carrier lost). A hung-up tty is dead: close it and open it again
 * to dial once more. A pty (the VM peer, the tests) has no modem control lines: DTR and DCD
 * calls fail with -ENOTTY and say so, and the peer closing its end reads as carrier lost.
 */
#ifndef DT_SERIAL_H
#define DT_SERIAL_H

#include "dt-io-error.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#define DT_SERIAL_LOCK_DIR "/var/lock"
#define DT_SERIAL_LOCK_DIR_FALLBACK "/run/lock"
#define DT_SERIAL_HANGUP_MS 500 /* DTR low at least this long: modems look for ~0.05-0.5 s */

typedef struct {
    const char *path; /* "/dev/ttyUSB0"; a symlink (/dev/serial/by-id/…) is resolved first */
    uint32_t speed;   /* bits per second, a standard rate (dt_serial_speed_supported) */
    bool hw_flow;     /* RTS/CTS hardware flow control (CRTSCTS) */
    /* NULL: /var/lock, else /run/lock, else no lock file (see above). Given: that directory,
     * which must exist (the tests use a private one). */
    const char *lock_dir;
} DtSerialConfig;

typedef struct {
    uint64_t rx_bytes;
    uint64_t tx_bytes;
} DtSerialStats;

typedef struct {
    int fd;                   /* nonblocking, close-on-exec; -1 when closed */
    char path[PATH_MAX];      /* the device, symlinks resolved: what the lock is named after */
    char lock_path[PATH_MAX]; /* the lock file we hold; "" for none */
    struct termios saved;     /* the line's termios before we touched it, restored on clear */
    bool saved_valid;
    bool watching_carrier; /* CLOCAL clear: a DCD drop hangs the line up */
    bool hung_up;          /* carrier lost (or the pty's other end closed): reopen to redial */
    uint32_t speed;
    bool hw_flow;
    DtSerialStats stats;
} DtSerial;

/* True for the rates termios names (B50 … B4000000) that this build of the C library knows. */
bool dt_serial_speed_supported(uint32_t bps);

/* Locks and opens cfg->path, takes it exclusively and sets raw 8N1, CREAD, HUPCL, CLOCAL, the
 * speed and the flow control; the termios is read back, so a driver that silently ignored
 * part of it is an error. A line locked by a live process fails with -EBUSY and "The modem
 * /dev/ttyUSB0 is in use by process 1234 (lock file …)"; a lock left by a dead process (or
 * unreadable and older than a few seconds) is removed and taken. On failure nothing is left:
 * no lock file, no open fd, the termios untouched. */
int dt_serial_init(DtSerial *s, const DtSerialConfig *cfg, DtIoError *err);
/* Restores the saved termios, closes the line and removes our lock file (only if it still
 * names us). Safe on a hung-up line, after a failed init and twice. */
void dt_serial_clear(DtSerial *s);

int dt_serial_set_speed(DtSerial *s, uint32_t bps, DtIoError *err);
int dt_serial_set_flow(DtSerial *s, bool hw_flow, DtIoError *err);
/* on: clear CLOCAL (honour DCD: its drop becomes a hang-up, read as -ENOLINK); off: set it. */
int dt_serial_watch_carrier(DtSerial *s, bool on, DtIoError *err);

/* DCD as the driver sees it (TIOCMGET). -ENOTTY on a line without modem control (a pty). */
int dt_serial_get_carrier(DtSerial *s, bool *dcd, DtIoError *err);
/* Raises or drops DTR (TIOCMBIS/TIOCMBIC). -ENOTTY on a line without modem control. */
int dt_serial_set_dtr(DtSerial *s, bool on, DtIoError *err);
/* The hang-up of a real modem: stop watching DCD (our own hang-up is not a lost carrier), drop
 * DTR for hold_ms (at least DT_SERIAL_HANGUP_MS), discard both queues, raise DTR. Blocks for
 * hold_ms; a loop that must not block calls dt_serial_set_dtr() twice around a deadline.
 * -ENOTTY on a pty: use the modem's in-band hang-up (dt_modem_hangup) there. */
int dt_serial_hangup(DtSerial *s, unsigned hold_ms, DtIoError *err);

/* Reads what is waiting, up to cap octets: returns the count, 0 when nothing is waiting, or
 * -errno; -ENOLINK when the line was hung up (DCD lost while watched, or the pty's other end
 * closed; s->hung_up is then set and stays set). */
int dt_serial_read(DtSerial *s, uint8_t *buf, size_t cap, DtIoError *err);
/* Writes what the line takes now: returns the count (0 when its buffer is full: wait for
 * EPOLLOUT), or -errno; -ENOLINK as for dt_serial_read. */
int dt_serial_write(DtSerial *s, const uint8_t *buf, size_t len, DtIoError *err);
/* Waits (bounded by timeout_ms) until what was written has left the UART; -ETIMEDOUT. */
int dt_serial_drain(DtSerial *s, unsigned timeout_ms, DtIoError *err);

/* The lock-file name for a resolved device path: "/dev/ttyUSB0" → "LCK..ttyUSB0"; below /dev
 * the slashes become '_' ("/dev/pts/3" → "LCK..pts_3", as lockdev does); elsewhere the
 * basename. Returns false when it does not fit in cap. */
bool dt_serial_lock_name(const char *device, char *out, size_t cap);

#endif /* DT_SERIAL_H */
