#pragma once
// The line discipline of a pseudo-terminal (Linux's n_tty, for the slave
// side): what the master writes is "typed" input, edited into lines
// (ICANON: ERASE, KILL, WERASE, EOF, EOL, LNEXT, REPRINT), mapped (ICRNL,
// INLCR, IGNCR, ISTRIP, IUCLC), echoed (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL,
// ECHOCTL) and turned into signals (ISIG); what the slave writes goes
// through output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, OLCUC,
// XTABS) to the master. No locking, no waiting and no user memory: the
// pty (pty.h) does those, so this part is unit-tested on the host.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "byte_ring.h"
#include "termios.h"

namespace cella::tty {

// Input the slave can hold (N_TTY_BUF_SIZE): a canonical line longer than
// this keeps its first 4095 bytes and its terminator.
inline constexpr std::size_t kInputBufferSize = 4096;
// Typed bytes waiting for room in the input buffer (Linux's flip buffer
// of the slave, limited to 8 KiB for ptys), and output waiting for the
// master to read it.
inline constexpr std::size_t kPendingInputSize = 8192;
inline constexpr std::size_t kOutputSize = 16384;

class LineDiscipline {
public:
    LineDiscipline();

    const KernelTermios& termios() const { return termios_; }
    // A pending partial line becomes readable when ICANON goes off, and
    // what is buffered becomes one line when it comes on, as on Linux.
    void set_termios(const KernelTermios& termios);

    // --- input: master writes, slave reads ---
    // Takes as much of `data` as there is room for (0 when full) and
    // processes what the input buffer can take. Signals that ISIG raised
    // are added to `signals` (bit 1 << signo) for the foreground group.
    std::size_t type(std::span<const std::uint8_t> data, std::uint32_t& signals);
    // After a read made room: processes more of the typed bytes.
    void process_pending(std::uint32_t& signals);
    bool pending_room() const { return pending_.room() != 0; }
    // Whether a read would return now: a whole line (or an EOF) when
    // canonical, else at least `minimum` bytes.
    bool readable(std::size_t minimum = 1) const;
    // FIONREAD on the slave: bytes a read could return (EOF marks left out).
    std::size_t input_bytes() const;
    // Canonical: at most one line (the EOF character is not returned);
    // otherwise what is there. 0 with a readable EOF means end of file.
    std::size_t read(std::span<std::uint8_t> out);
    // TCIFLUSH: the input buffer and the typed bytes waiting for it.
    void flush_input() {
        reset_input();
        pending_.clear();
    }

    // --- output: slave writes, master reads ---
    // Output processing into the master's queue; returns how much of
    // `data` was taken (0 when the queue is full or output is stopped).
    std::size_t write(std::span<const std::uint8_t> data);
    std::size_t read_output(std::span<std::uint8_t> out) { return output_.pop(out); }
    std::size_t output_bytes() const { return output_.size(); }
    bool output_room() const { return output_.room() != 0 && !stopped_; }
    void flush_output() { output_.clear(); }
    // Puts a byte into the master's queue as is (TCIOFF/TCION's START
    // and STOP characters).
    void send_raw(std::uint8_t byte) { output_.push(byte); }
    // IXON's STOP/START, and TCOOFF/TCOON.
    void stop_output() { stopped_ = true; }
    void start_output() { stopped_ = false; }
    bool output_stopped() const { return stopped_; }

private:
    static constexpr std::size_t kMask = kInputBufferSize - 1;
    static constexpr std::uint8_t kLineEnd = 1, kEofMark = 2;
    enum class Erase { Char, Word, Line };

    bool lflag(std::uint32_t bit) const { return termios_.lflag & bit; }
    bool iflag(std::uint32_t bit) const { return termios_.iflag & bit; }
    bool oflag(std::uint32_t bit) const { return termios_.oflag & bit; }
    std::uint8_t cc(int index) const { return termios_.cc[index]; }
    bool is_continuation(std::uint8_t c) const { return iflag(kIutf8) && (c & 0xc0) == 0x80; }
    void rebuild_special_map();
    // What ISIG drops (n_tty's reset_buffer_flags): the input buffer only.
    void reset_input();
    std::uint8_t at(std::size_t position) const { return buffer_[position & kMask]; }

    // One typed byte; false when the input buffer has no room for it.
    bool receive(std::uint8_t c, std::uint32_t& signals);
    void receive_special(std::uint8_t c, std::uint32_t& signals);
    void receive_normal(std::uint8_t c);
    void signal_char(int signo, std::uint8_t c, std::uint32_t& signals);
    void end_line(std::uint8_t c, std::uint8_t marks);
    void put(std::uint8_t c);
    void erase(Erase kind);
    void erase_tab();
    void reprint();

    // Echo and output: one byte through OPOST, or a control character
    // as "^X" (ECHOCTL).
    bool output_char(std::uint8_t c);
    void echo_char(std::uint8_t c);
    void echo_raw(std::uint8_t c) { output_char(c); }
    void echo_rubout() {
        echo_raw('\b');
        echo_raw(' ');
        echo_raw('\b');
    }

    KernelTermios termios_;
    std::array<bool, 256> special_{};
    // The input buffer: [read_tail_, canon_head_) holds whole lines,
    // [canon_head_, read_head_) the line being edited. Free-running
    // positions, masked on access.
    std::array<std::uint8_t, kInputBufferSize> buffer_{};
    std::array<std::uint8_t, kInputBufferSize> marks_{};
    std::size_t read_tail_ = 0, canon_head_ = 0, read_head_ = 0;
    bool literal_next_ = false;
    bool stopped_ = false;
    // The output column (tabs, ONOCR, erasing tabs) and where the line
    // being edited started on the screen.
    std::size_t column_ = 0, canon_column_ = 0;
    ByteRing<kPendingInputSize> pending_;
    ByteRing<kOutputSize> output_;
};

}  // namespace cella::tty
