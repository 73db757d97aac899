/* linux/aio_abi.h, which musl's headers do not carry, for the AIO tests. */
#ifndef CELLA_APP_AIO_ABI_H
#define CELLA_APP_AIO_ABI_H
#include <stdint.h>
#include <sys/syscall.h>

typedef unsigned long aio_context_t;
enum { IOCB_CMD_PREAD = 0, IOCB_CMD_PWRITE = 1, IOCB_CMD_FSYNC = 2, IOCB_CMD_POLL = 5, IOCB_CMD_PREADV = 7 };
#define IOCB_FLAG_RESFD 1
struct io_event {
    uint64_t data;
    uint64_t obj;
    int64_t res;
    int64_t res2;
};
struct iocb {
    uint64_t aio_data;
    uint32_t aio_key;
    int aio_rw_flags;
    uint16_t aio_lio_opcode;
    int16_t aio_reqprio;
    uint32_t aio_fildes;
    uint64_t aio_buf;
    uint64_t aio_nbytes;
    int64_t aio_offset;
    uint64_t aio_reserved2;
    uint32_t aio_flags;
    uint32_t aio_resfd;
};
#ifndef SYS_io_pgetevents
#define SYS_io_pgetevents 333
#endif

#endif
