/* dt-serial-ports.h — the serial ports a modem may sit on, for the dial-up
 * editor's device chooser: /dev/ttyS*, ttyUSB*, ttyACM* and the stable
 * /dev/serial/by-id links (which survive replugging, so they come first).
 *
 * Legacy 8250 ports exist as /dev/ttyS0…31 whether or not a UART is there;
 * sysfs says “type 0” for the missing ones, and those are left out. */
#ifndef DT_SERIAL_PORTS_H
#define DT_SERIAL_PORTS_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    char *path;  /* what goes into Dialup.Device */
    char *label; /* what the chooser shows */
} DtSerialPort;

void dt_serial_port_free(DtSerialPort *port);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtSerialPort, dt_serial_port_free)

/* dev_dir, sys_dir: "/dev" and "/sys/class/tty" (other roots for tests).
 * A GPtrArray of DtSerialPort: by-id links first, then ttyACM, ttyUSB and
 * ttyS, each in natural order (ttyS2 before ttyS10). */
GPtrArray *dt_serial_ports_list(const char *dev_dir, const char *sys_dir);

G_END_DECLS

#endif
