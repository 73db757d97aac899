#pragma once
// A FIFO of bytes in a fixed power-of-two array. Positions are free-running
// counters and every access is masked, so no index can leave the array;
// the terminal's queues have fixed sizes on Linux too, so nothing here
// allocates or fails.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace cella::tty {

template <std::size_t N>
class ByteRing {
    static_assert(N && (N & (N - 1)) == 0, "a power of two");

public:
    static constexpr std::size_t kCapacity = N;

    std::size_t size() const { return tail_ - head_; }
    std::size_t room() const { return N - size(); }
    bool is_empty() const { return head_ == tail_; }
    void clear() { head_ = tail_ = 0; }

    // The i-th queued byte (0 = the oldest); i < size().
    std::uint8_t at(std::size_t i) const { return bytes_[(head_ + i) & (N - 1)]; }

    bool push(std::uint8_t byte) {
        if (!room()) return false;
        bytes_[tail_++ & (N - 1)] = byte;
        return true;
    }
    // Queues what fits; returns how much did.
    std::size_t push(std::span<const std::uint8_t> data) {
        std::size_t n = data.size() < room() ? data.size() : room();
        for (std::size_t i = 0; i < n; ++i) bytes_[tail_++ & (N - 1)] = data[i];
        return n;
    }
    std::uint8_t pop() {
        std::uint8_t byte = bytes_[head_ & (N - 1)];
        if (head_ != tail_) ++head_;
        return byte;
    }
    // Takes up to out.size() bytes into `out`.
    std::size_t pop(std::span<std::uint8_t> out) {
        std::size_t n = out.size() < size() ? out.size() : size();
        for (std::size_t i = 0; i < n; ++i) out[i] = bytes_[head_++ & (N - 1)];
        return n;
    }

private:
    std::array<std::uint8_t, N> bytes_{};
    std::size_t head_ = 0;
    std::size_t tail_ = 0;
};

}  // namespace cella::tty
