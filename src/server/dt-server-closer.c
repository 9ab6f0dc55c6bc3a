/* dt-server-closer.c — closes the calls' TUN devices off the event loop. */
#include "dt-server-closer.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static void *
closer_main(void *user)
{
    DtServerCloser *c = user;
    int fd;
    for (;;) {
        ssize_t n = read(c->pipe_r, &fd, sizeof fd);
        if (n == (ssize_t)sizeof fd)
            close(fd);
        else if (n == 0 || (n < 0 && errno != EINTR))
            return NULL; /* the write end is closed: everything handed over is done */
    }
}

void
dt_server_closer_init(DtServerCloser *c)
{
    int p[2];
    c->pipe_w = c->pipe_r = -1;
    if (pipe2(p, O_CLOEXEC) < 0)
        return;
    /* The loop never blocks on a full pipe: it closes inline instead. */
    if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0) {
        close(p[0]);
        close(p[1]);
        return;
    }
    c->pipe_r = p[0];
    c->pipe_w = p[1];
    if (pthread_create(&c->thread, NULL, closer_main, c) != 0) {
        close(p[0]);
        close(p[1]);
        c->pipe_w = c->pipe_r = -1;
    }
}

void
dt_server_closer_close(DtServerCloser *c, int fd)
{
    if (fd < 0)
        return;
    if (c->pipe_w < 0 || write(c->pipe_w, &fd, sizeof fd) != (ssize_t)sizeof fd)
        close(fd);
}

void
dt_server_closer_clear(DtServerCloser *c)
{
    if (c->pipe_w < 0)
        return;
    close(c->pipe_w);
    pthread_join(c->thread, NULL);
    close(c->pipe_r);
    c->pipe_w = c->pipe_r = -1;
}
