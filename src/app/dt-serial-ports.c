/* dt-serial-ports.c — see dt-serial-ports.h. */
#include "dt-serial-ports.h"

#include <glib/gi18n.h>
#include <string.h>

void
dt_serial_port_free(DtSerialPort *port)
{
    if (!port)
        return;
    g_free(port->path);
    g_free(port->label);
    g_free(port);
}

static DtSerialPort *
make_port(char *path, char *label)
{
    DtSerialPort *port = g_new0(DtSerialPort, 1);
    port->path = path;
    port->label = label;
    return port;
}

static const char *const tty_prefixes[] = {"ttyACM", "ttyUSB", "ttyS"};

static int
prefix_rank(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(tty_prefixes); i++) {
        gsize n = strlen(tty_prefixes[i]);
        if (strncmp(name, tty_prefixes[i], n) == 0 && name[n] && g_ascii_isdigit(name[n]) &&
            strspn(name + n, "0123456789") == strlen(name + n))
            return (int)i;
    }
    return -1;
}

static int
compare_tty(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = prefix_rank(x), ry = prefix_rank(y);
    if (rx != ry)
        return rx - ry;
    gsize n = strlen(tty_prefixes[rx]);
    guint64 nx = g_ascii_strtoull(x + n, NULL, 10), ny = g_ascii_strtoull(y + n, NULL, 10);
    return nx < ny ? -1 : nx > ny;
}

/* An 8250 slot without a UART reports type 0 (PORT_UNKNOWN). */
static gboolean
is_absent_uart(const char *sys_dir, const char *name)
{
    if (strncmp(name, "ttyS", 4) != 0)
        return FALSE;
    g_autofree char *type_path = g_build_filename(sys_dir, name, "type", NULL);
    g_autofree char *type = NULL;
    if (!g_file_get_contents(type_path, &type, NULL, NULL))
        return FALSE;
    return g_strstrip(type)[0] == '0' && type[1] == '\0';
}

static void
add_by_id(GPtrArray *ports, const char *dev_dir)
{
    g_autofree char *dir_path = g_build_filename(dev_dir, "serial", "by-id", NULL);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (dir && (name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *path = g_build_filename(dir_path, n, NULL);
        g_autofree char *target = g_file_read_link(path, NULL);
        g_autofree char *base = target ? g_path_get_basename(target) : NULL;
        char *label = base ? g_strdup_printf("%s (%s)", n, base) : g_strdup(n);
        g_ptr_array_add(ports, make_port(g_steal_pointer(&path), label));
    }
}

GPtrArray *
dt_serial_ports_list(const char *dev_dir, const char *sys_dir)
{
    GPtrArray *ports = g_ptr_array_new_with_free_func((GDestroyNotify)dt_serial_port_free);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(dev_dir, 0, NULL);
    const char *name;

    add_by_id(ports, dev_dir);
    while (dir && (name = g_dir_read_name(dir)))
        if (prefix_rank(name) >= 0 && !is_absent_uart(sys_dir, name))
            g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_tty);
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_ptr_array_add(ports, make_port(g_build_filename(dev_dir, n, NULL), g_strdup(n)));
    }
    return ports;
}
