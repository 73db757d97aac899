/* Linux AIO through the raw syscalls (what libaio uses): reads, writes,
   vectored requests, fsync, poll (ready and pending), io_cancel, eventfd
   notification, the ring at the context address, and the error cases. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char* path = "/tmp/aio.test";

#include "aio_abi.h"

static long io_setup_(unsigned n, aio_context_t* ctx) { return syscall(SYS_io_setup, n, ctx); }
static long io_destroy_(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static long io_submit_(aio_context_t ctx, long n, struct iocb** iocbs) { return syscall(SYS_io_submit, ctx, n, iocbs); }
static long io_getevents_(aio_context_t ctx, long min, long n, struct io_event* events, struct timespec* timeout) {
    return syscall(SYS_io_getevents, ctx, min, n, events, timeout);
}
static long io_cancel_(aio_context_t ctx, struct iocb* iocb, struct io_event* result) {
    return syscall(SYS_io_cancel, ctx, iocb, result);
}

/* Linux's struct aio_ring header at the context address. */
struct ring {
    unsigned id, nr, head, tail, magic, compat_features, incompat_features, header_length;
};

static struct iocb request(int opcode, int fd, void* buffer, size_t bytes, long long offset, uint64_t data) {
    struct iocb iocb;
    memset(&iocb, 0, sizeof iocb);
    iocb.aio_lio_opcode = (uint16_t)opcode;
    iocb.aio_fildes = (uint32_t)fd;
    iocb.aio_buf = (uint64_t)(uintptr_t)buffer;
    iocb.aio_nbytes = bytes;
    iocb.aio_offset = offset;
    iocb.aio_data = data;
    return iocb;
}

int main(void) {
    aio_context_t ctx = 0;
    CHECK(io_setup_(8, &ctx) == 0 && ctx != 0);
    const struct ring* ring = (const struct ring*)(uintptr_t)ctx;
    CHECK(ring->magic == 0xa10a10a1 && ring->header_length == 32 && ring->nr >= 8 && ring->head == ring->tail);

    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    /* A write and a read in one submission. */
    char out[] = "asynchronous", in[16] = {0};
    struct iocb write_request = request(IOCB_CMD_PWRITE, fd, out, 12, 4, 1);
    struct iocb* batch[1] = {&write_request};
    CHECK(io_submit_(ctx, 1, batch) == 1);
    struct iocb read_request = request(IOCB_CMD_PREAD, fd, in, sizeof in, 4, 2);
    batch[0] = &read_request;
    CHECK(io_submit_(ctx, 1, batch) == 1);
    struct io_event events[8];
    struct timespec zero = {0, 0};
    CHECK(io_getevents_(ctx, 2, 8, events, NULL) == 2);
    CHECK(events[0].data == 1 && events[0].obj == (uint64_t)(uintptr_t)&write_request && events[0].res == 12);
    CHECK(events[1].data == 2 && events[1].res == 12 && memcmp(in, "asynchronous", 12) == 0);
    CHECK(ring->head == ring->tail);
    CHECK(io_getevents_(ctx, 0, 8, events, &zero) == 0);

    /* Vectored requests, fsync, and a read at the end of the file. */
    char a[4] = {0}, b[8] = {0};
    struct iovec parts[2] = {{a, 4}, {b, 8}};
    struct iocb readv_request = request(IOCB_CMD_PREADV, fd, parts, 2, 4, 3);
    struct iocb fsync_request = request(IOCB_CMD_FSYNC, fd, NULL, 0, 0, 4);
    struct iocb end_request = request(IOCB_CMD_PREAD, fd, in, sizeof in, 100, 5);
    struct iocb* three[3] = {&readv_request, &fsync_request, &end_request};
    CHECK(io_submit_(ctx, 3, three) == 3);
    CHECK(io_getevents_(ctx, 3, 3, events, NULL) == 3);
    /* Linux may finish them in another order (fsync runs from a worker). */
    for (int i = 0; i < 3; ++i) {
        CHECK(events[i].data >= 3 && events[i].data <= 5);
        CHECK(events[i].res == (events[i].data == 3 ? 12 : 0));
    }
    CHECK(memcmp(a, "asyn", 4) == 0 && memcmp(b, "chronous", 8) == 0);

    /* An I/O error is the event's result; a bad request fails the submission. */
    int reader = open(path, O_RDONLY);
    CHECK(reader >= 0);
    struct iocb bad_mode = request(IOCB_CMD_PWRITE, reader, out, 4, 0, 6);
    batch[0] = &bad_mode;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EBADF);
    struct iocb bad_fd = request(IOCB_CMD_PREAD, 999, in, 4, 0, 7);
    batch[0] = &bad_fd;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EBADF);
    struct iocb bad_opcode = request(99, fd, in, 4, 0, 8);
    batch[0] = &bad_opcode;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EINVAL);
    struct iocb bad_fsync = request(IOCB_CMD_FSYNC, fd, in, 4, 0, 9);
    batch[0] = &bad_fsync;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EINVAL);
    int p[2];
    CHECK(pipe(p) == 0);
    struct iocb pipe_fsync = request(IOCB_CMD_FSYNC, p[0], NULL, 0, 0, 10);
    batch[0] = &pipe_fsync;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EINVAL);
    struct iocb reserved = request(IOCB_CMD_PREAD, fd, in, 4, 0, 11);
    reserved.aio_reserved2 = 1;
    batch[0] = &reserved;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EINVAL);
    CHECK(io_submit_(ctx, 1, (struct iocb**)8) == -1 && errno == EFAULT);
    batch[0] = (struct iocb*)8;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EFAULT);
    /* The good requests before a bad one are taken. */
    struct iocb good = request(IOCB_CMD_PREAD, fd, in, 4, 0, 12);
    struct iocb* mixed[2] = {&good, &bad_fd};
    CHECK(io_submit_(ctx, 2, mixed) == 1);
    CHECK(io_getevents_(ctx, 1, 8, events, NULL) == 1 && events[0].data == 12 && events[0].res == 4);
    CHECK(io_submit_(ctx, -1, batch) == -1 && errno == EINVAL);
    CHECK(io_submit_(ctx, 0, batch) == 0);
    CHECK(close(reader) == 0);

    /* Poll: ready at once, or pending until the pipe has data; io_cancel ends a pending one. */
    struct iocb poll_out = request(IOCB_CMD_POLL, p[1], (void*)(uintptr_t)POLLOUT, 0, 0, 13);
    batch[0] = &poll_out;
    CHECK(io_submit_(ctx, 1, batch) == 1);
    CHECK(io_getevents_(ctx, 1, 1, events, NULL) == 1 && events[0].data == 13 && (events[0].res & POLLOUT));
    struct iocb poll_in = request(IOCB_CMD_POLL, p[0], (void*)(uintptr_t)POLLIN, 0, 0, 14);
    batch[0] = &poll_in;
    CHECK(io_submit_(ctx, 1, batch) == 1);
    struct timespec short_wait = {0, 20 * 1000 * 1000};
    CHECK(io_getevents_(ctx, 1, 1, events, &short_wait) == 0);
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(io_getevents_(ctx, 1, 1, events, NULL) == 1 && events[0].data == 14 && (events[0].res & POLLIN));
    char drain;
    CHECK(read(p[0], &drain, 1) == 1);
    struct iocb poll_cancel = request(IOCB_CMD_POLL, p[0], (void*)(uintptr_t)POLLIN, 0, 0, 15);
    batch[0] = &poll_cancel;
    CHECK(io_submit_(ctx, 1, batch) == 1);
    struct io_event cancelled;
    CHECK(io_cancel_(ctx, &poll_cancel, &cancelled) == -1 && errno == EINPROGRESS);
    CHECK(io_getevents_(ctx, 1, 1, events, NULL) == 1 && events[0].data == 15 && events[0].res == 0);
    CHECK(io_cancel_(ctx, &poll_cancel, &cancelled) == -1 && errno == EINVAL);
    CHECK(io_cancel_(ctx, &good, &cancelled) == -1 && errno == EINVAL); /* already done */
    CHECK(close(p[0]) == 0 && close(p[1]) == 0);

    /* IOCB_FLAG_RESFD: the eventfd counts completions. */
    int event = eventfd(0, 0);
    CHECK(event >= 0);
    struct iocb notified = request(IOCB_CMD_PREAD, fd, in, 4, 0, 16);
    notified.aio_flags = IOCB_FLAG_RESFD;
    notified.aio_resfd = (uint32_t)event;
    batch[0] = &notified;
    CHECK(io_submit_(ctx, 1, batch) == 1);
    uint64_t count = 0;
    CHECK(read(event, &count, 8) == 8 && count == 1);
    CHECK(io_getevents_(ctx, 1, 1, events, NULL) == 1 && events[0].data == 16);
    notified.aio_resfd = (uint32_t)fd; /* not an eventfd */
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EINVAL);
    CHECK(close(event) == 0);

    /* io_getevents' checks. */
    CHECK(io_getevents_(ctx, 2, 1, events, &zero) == -1 && errno == EINVAL);
    CHECK(io_getevents_(ctx, -1, 1, events, &zero) == -1 && errno == EINVAL);
    CHECK(io_getevents_(ctx + 4096, 0, 1, events, &zero) == -1 && errno == EINVAL);
    CHECK(io_getevents_(ctx, 0, 1, events, (struct timespec*)8) == -1 && errno == EFAULT);

    /* io_setup's checks; io_destroy. */
    aio_context_t other = 0;
    CHECK(io_setup_(0, &other) == -1 && errno == EINVAL);
    other = 1;
    CHECK(io_setup_(4, &other) == -1 && errno == EINVAL);
    CHECK(io_setup_(4, (aio_context_t*)8) == -1 && errno == EFAULT);
    CHECK(io_setup_(1u << 30, &ctx) == -1 && errno == EINVAL); /* *ctx is not 0 */
    other = 0;
    CHECK(io_setup_(4, &other) == 0 && other != ctx);
    CHECK(io_destroy_(other) == 0);
    CHECK(io_destroy_(other) == -1 && errno == EINVAL);
    CHECK(io_destroy_(ctx) == 0);
    batch[0] = &good;
    CHECK(io_submit_(ctx, 1, batch) == -1 && errno == EINVAL);
    CHECK(close(fd) == 0 && unlink(path) == 0);
    printf("aio ok\n");
    return 0;
}
