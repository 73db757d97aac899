#include "requests.h"

#include <asm-generic/errno.h>

namespace cella::net::uring {
namespace {

constexpr std::uint64_t kPartShift = 16, kGenerationShift = 32;

std::uint8_t bit(Part part) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(part)); }

}  // namespace

std::int32_t checked_result(Op op, std::uint64_t asked, std::int32_t result) {
    if (result < 0) return result >= -4095 ? result : -EIO;
    switch (op) {
    case Op::Send:
    case Op::Receive: return static_cast<std::uint64_t>(result) <= asked ? result : -EIO;
    case Op::Accept: return result;
    case Op::Connect: return result == 0 ? 0 : -EIO;
    }
    return -EIO;
}

base::Result<std::uint32_t> RequestTable::claim(Op op, std::uint64_t asked) {
    for (std::uint32_t i = 0; i < kSlots; ++i) {
        Slot& slot = slots_[i];
        if (slot.busy) continue;
        slot.busy = true;
        slot.op = op;
        slot.asked = asked;
        slot.owed = 0;
        slot.result = 0;
        slot.timeout_result = 0;
        ++slot.generation;
        return i;
    }
    return base::Error::from_errno(EAGAIN);
}

std::uint64_t RequestTable::expect(std::uint32_t slot, Part part) {
    Slot& entry = slots_[slot];
    entry.owed |= bit(part);
    return (static_cast<std::uint64_t>(entry.generation) << kGenerationShift) |
           (static_cast<std::uint64_t>(part) << kPartShift) | slot;
}

Checked RequestTable::complete(std::uint64_t user_data, std::int32_t result) {
    std::uint64_t index = user_data & 0xffff, part_number = (user_data >> kPartShift) & 0xffff;
    auto generation = static_cast<std::uint32_t>(user_data >> kGenerationShift);
    if (index >= kSlots || part_number > static_cast<unsigned>(Part::Cancel)) return {};
    Slot& slot = slots_[index];
    auto part = static_cast<Part>(part_number);
    if (!slot.busy || slot.generation != generation || !(slot.owed & bit(part))) return {};
    slot.owed = static_cast<std::uint8_t>(slot.owed & ~bit(part));
    if (part == Part::Operation) slot.result = checked_result(slot.op, slot.asked, result);
    // A timeout or a cancel reports 0 or -errno, never a count.
    if (part == Part::Timeout) slot.timeout_result = result <= 0 && result >= -4095 ? result : -EIO;
    auto slot_index = static_cast<std::uint32_t>(index);
    return {slot.owed ? Verdict::Progress : Verdict::Finished, slot_index};
}

bool RequestTable::finished(std::uint32_t slot) const { return slots_[slot].busy && !slots_[slot].owed; }

std::int32_t RequestTable::result(std::uint32_t slot) const { return slots_[slot].result; }

std::int32_t RequestTable::timeout_result(std::uint32_t slot) const { return slots_[slot].timeout_result; }

void RequestTable::release(std::uint32_t slot) {
    if (!slots_[slot].owed) slots_[slot].busy = false;
}

std::uint32_t RequestTable::in_use() const {
    std::uint32_t count = 0;
    for (const Slot& slot : slots_) count += slot.busy;
    return count;
}

}  // namespace cella::net::uring
