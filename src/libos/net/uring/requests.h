#pragma once
// The requests the LibOS has outstanding on its io_uring ring, and the
// check of every completion the host posts against them. A request is a
// slot: its operation, how much it asked for, and which of its parts (the
// operation, its linked timeout, a cancel) still owe a completion; the
// slot is reused only when all have come. user_data names the slot, its
// generation and the part, so a completion for a slot that is free, of a
// past generation or of a part never submitted is refused, and a result
// out of range for the operation (more bytes than asked, a negative fd, a
// positive connect) becomes EIO. Compiled for the host in the unit tests.
#include <array>
#include <cstdint>

#include "libos/base/result.h"

namespace cella::net::uring {

enum class Op : std::uint8_t { Send, Receive, Accept, Connect };
enum class Part : std::uint8_t { Operation = 0, Timeout = 1, Cancel = 2 };

inline constexpr std::uint32_t kSlots = 16;

enum class Verdict {
    Refused,   // not a completion of any outstanding part
    Progress,  // accepted; the request still owes completions
    Finished,  // accepted; the request has all its completions
};

struct Checked {
    Verdict verdict = Verdict::Refused;
    std::uint32_t slot = 0;
};

class RequestTable {
public:
    // A free slot for `op` asking for `asked` bytes (0 for accept and
    // connect); EAGAIN when all are taken.
    base::Result<std::uint32_t> claim(Op op, std::uint64_t asked);
    // The user_data of a part; the part now owes a completion.
    std::uint64_t expect(std::uint32_t slot, Part part);
    // A completion from the host, checked.
    Checked complete(std::uint64_t user_data, std::int32_t result);
    bool finished(std::uint32_t slot) const;
    // The operation's result (a count, an fd, 0, or -errno) and the
    // timeout's (-ETIME when it fired; 0 when none was linked).
    std::int32_t result(std::uint32_t slot) const;
    std::int32_t timeout_result(std::uint32_t slot) const;
    // Frees a finished slot.
    void release(std::uint32_t slot);
    std::uint32_t in_use() const;

private:
    struct Slot {
        bool busy = false;
        Op op = Op::Send;
        std::uint32_t generation = 0;
        std::uint64_t asked = 0;
        std::uint8_t owed = 0;  // a bit per Part
        std::int32_t result = 0;
        std::int32_t timeout_result = 0;
    };
    std::array<Slot, kSlots> slots_{};
};

// The operation's result as the request allows it: -errno, or a count no
// larger than asked, an fd, or 0; anything else -EIO.
std::int32_t checked_result(Op op, std::uint64_t asked, std::int32_t result);

}  // namespace cella::net::uring
