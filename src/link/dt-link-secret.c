/* dt-link-secret.c — reading and wiping the --standalone password. */
#include "dt-link-secret.h"

#include "dt-crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int
dt_link_secret_read(DtLinkSecret *s, const char *path, char *why, size_t why_size)
{
    bool from_stdin = strcmp(path, "-") == 0;
    int fd = from_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    size_t len = 0;
    bool eol = false;

    memset(s, 0, sizeof *s);
    s->locked = mlock(s->text, sizeof s->text) == 0;
    if (fd < 0) {
        snprintf(why, why_size, "Cannot open the password file %s: %s", path, strerror(errno));
        return -1;
    }
    if (!from_stdin) {
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            snprintf(why, why_size, "The password file %s is not a regular file", path);
            close(fd);
            return -1;
        }
        if (st.st_mode & (S_IRWXG | S_IRWXO)) {
            snprintf(why, why_size,
                     "The password file %s may be read by others (mode %04o); "
                     "make it private with chmod 600",
                     path, (unsigned)(st.st_mode & 07777));
            close(fd);
            return -1;
        }
    }
    /* One byte at a time, so nothing past the first line is consumed from a pipe and no
     * library buffer keeps a copy of the password. */
    while (!eol) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (c == '\n') {
            eol = true;
        } else if (len < DT_LINK_SECRET_MAX) {
            s->text[len++] = c;
        } else {
            snprintf(why, why_size, "The password in %s is longer than %d characters",
                     from_stdin ? "standard input" : path, DT_LINK_SECRET_MAX);
            dt_wipe(s->text, sizeof s->text);
            if (!from_stdin)
                close(fd);
            return -1;
        }
    }
    if (!from_stdin)
        close(fd);
    if (len > 0 && s->text[len - 1] == '\r')
        len--;
    s->text[len] = '\0';
    s->len = len;
    if (len == 0) {
        snprintf(why, why_size, "No password in %s", from_stdin ? "standard input" : path);
        return -1;
    }
    return 0;
}

void
dt_link_secret_clear(DtLinkSecret *s)
{
    dt_wipe(s->text, sizeof s->text);
    s->len = 0;
    if (s->locked)
        munlock(s->text, sizeof s->text);
    s->locked = false;
}
