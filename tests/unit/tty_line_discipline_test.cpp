// The pseudo-terminal line discipline (libos/tty/line_discipline.h),
// compiled for the host: the byte sequences Linux 6.x's n_tty gives for
// the same input (checked against a native pty).
#include <gtest/gtest.h>

#include <string>

#include "libos/tty/line_discipline.h"

namespace cella::tty {
namespace {

std::span<const std::uint8_t> bytes(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

struct Terminal {
    LineDiscipline ld;
    std::uint32_t signals = 0;

    std::size_t type(const std::string& text) { return ld.type(bytes(text), signals); }
    std::string echo() {
        std::string out(ld.output_bytes(), '\0');
        ld.read_output({reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
        return out;
    }
    std::string read(std::size_t size = 8192) {
        std::string out(size, '\0');
        out.resize(ld.read({reinterpret_cast<std::uint8_t*>(out.data()), out.size()}));
        ld.process_pending(signals);
        return out;
    }
    void change(std::uint32_t KernelTermios::*field, std::uint32_t on, std::uint32_t off = 0) {
        KernelTermios t = ld.termios();
        t.*field = (t.*field | on) & ~off;
        ld.set_termios(t);
    }
    void raw() {
        KernelTermios t = ld.termios();
        // cfmakeraw
        t.iflag &= ~(0x001u | 0x002 | 0x008 | kIstrip | kInlcr | kIgncr | kIcrnl | kIxon);
        t.oflag &= ~kOpost;
        t.lflag &= ~(kEcho | kEchonl | kIcanon | kIsig | kIexten);
        t.cc[kVmin] = 1;
        t.cc[kVtime] = 0;
        ld.set_termios(t);
    }
};

TEST(TtyLineDiscipline, CanonicalEditingAndEcho) {
    Terminal t;
    t.type("ab\rc\x7f" "d\n");
    EXPECT_EQ(t.echo(), "ab\r\nc\b \bd\r\n");
    EXPECT_EQ(t.read(), "ab\n");
    EXPECT_EQ(t.read(), "d\n");
    EXPECT_FALSE(t.ld.readable());
}

TEST(TtyLineDiscipline, OnlyWholeLinesAreReadable) {
    Terminal t;
    t.type("partial");
    EXPECT_FALSE(t.ld.readable());
    EXPECT_EQ(t.ld.input_bytes(), 0u);
    t.type("\n");
    EXPECT_EQ(t.ld.input_bytes(), 8u);
    EXPECT_EQ(t.read(3), "par");
    EXPECT_EQ(t.read(), "tial\n");
}

TEST(TtyLineDiscipline, EofEndsALineOrReadsAsEndOfFile) {
    Terminal t;
    t.type("hi\x04");
    EXPECT_EQ(t.echo(), "hi");
    EXPECT_EQ(t.ld.input_bytes(), 2u);
    EXPECT_EQ(t.read(), "hi");
    t.type("\x04");
    EXPECT_TRUE(t.ld.readable());
    EXPECT_EQ(t.read(), "");
    EXPECT_FALSE(t.ld.readable());
    // A buffer filled exactly by the line takes the EOF along.
    t.type("abc\x04");
    EXPECT_EQ(t.read(3), "abc");
    EXPECT_FALSE(t.ld.readable());
}

TEST(TtyLineDiscipline, EchoctlWordAndLineErase) {
    Terminal t;
    t.type("\x01\x7f");
    EXPECT_EQ(t.echo(), "^A\b \b\b \b");
    t.type("abc def\x17");
    EXPECT_EQ(t.echo(), "abc def\b \b\b \b\b \b");
    t.type("x\x15");
    EXPECT_EQ(t.echo(), "x\b \b\b \b\b \b\b \b\b \b");
    t.type("y\n");
    EXPECT_EQ(t.read(), "y\n");
}

TEST(TtyLineDiscipline, KillWithoutEchokeEchoesTheCharacter) {
    Terminal t;
    t.change(&KernelTermios::lflag, 0, kEchoke);
    t.type("abc\x15");
    EXPECT_EQ(t.echo(), "abc^U\r\n");
    t.type("z\n");
    EXPECT_EQ(t.read(), "z\n");
}

TEST(TtyLineDiscipline, SignalsFlushAndEcho) {
    Terminal t;
    t.type("lost");
    t.ld.write(bytes("unread output"));
    t.type("\x03");
    EXPECT_EQ(t.signals, 1u << 2);
    EXPECT_EQ(t.echo(), "^C");
    t.type("\n");
    EXPECT_EQ(t.read(), "\n");
    t.signals = 0;
    t.type("\x1c\x1a");
    EXPECT_EQ(t.signals, (1u << 3) | (1u << 20));
    t.change(&KernelTermios::lflag, 0, kIsig);
    t.signals = 0;
    t.type("\x03\n");
    EXPECT_EQ(t.signals, 0u);
    EXPECT_EQ(t.read(), "\x03\n");
}

TEST(TtyLineDiscipline, NoflshKeepsTheQueues) {
    Terminal t;
    t.change(&KernelTermios::lflag, kNoflsh);
    t.type("kept");
    t.type("\x03\n");
    EXPECT_EQ(t.read(), "kept\n");
}

TEST(TtyLineDiscipline, OutputProcessing) {
    Terminal t;
    t.ld.write(bytes("x\ny\n"));
    EXPECT_EQ(t.echo(), "x\r\ny\r\n");
    t.change(&KernelTermios::oflag, kXtabs | kOlcuc);
    t.ld.write(bytes("ab\tc"));
    EXPECT_EQ(t.echo(), "AB      C");
    t.change(&KernelTermios::oflag, 0, kOpost);
    t.ld.write(bytes("raw\n"));
    EXPECT_EQ(t.echo(), "raw\n");
}

TEST(TtyLineDiscipline, InputMapping) {
    Terminal t;
    t.change(&KernelTermios::lflag, 0, kEcho);
    t.change(&KernelTermios::iflag, kIgncr);
    t.type("a\rb\n");
    EXPECT_EQ(t.read(), "ab\n");
    t.change(&KernelTermios::iflag, kInlcr, kIgncr | kIcrnl);
    t.change(&KernelTermios::lflag, 0, kIcanon);
    t.type("c\n");
    EXPECT_EQ(t.read(), "c\r");
}

TEST(TtyLineDiscipline, RawModeAndModeSwitches) {
    Terminal t;
    t.raw();
    t.type("\x03\r\x7fz");
    EXPECT_EQ(t.signals, 0u);
    EXPECT_EQ(t.echo(), "");
    EXPECT_TRUE(t.ld.readable(4));
    EXPECT_FALSE(t.ld.readable(5));
    EXPECT_EQ(t.read(2), "\x03\r");
    // Back to canonical: what is there becomes one line.
    t.change(&KernelTermios::lflag, kIcanon);
    EXPECT_EQ(t.read(), "\x7fz");
    t.type("pq");
    EXPECT_FALSE(t.ld.readable());
    t.change(&KernelTermios::lflag, 0, kIcanon);
    EXPECT_EQ(t.read(), "pq");
}

TEST(TtyLineDiscipline, CanonicalLineKeepsItsFirst4095BytesAndTheNewline) {
    Terminal t;
    t.change(&KernelTermios::lflag, 0, kEcho);
    std::string line(5000, 'a');
    t.type(line.substr(0, 4000));
    t.type(line.substr(4000));
    t.type("\n");
    std::string got = t.read();
    ASSERT_EQ(got.size(), 4096u);
    EXPECT_EQ(got.back(), '\n');
    EXPECT_EQ(got.substr(0, 4095), std::string(4095, 'a'));
}

TEST(TtyLineDiscipline, RawInputWaitsForRoom) {
    Terminal t;
    t.raw();
    std::string block(6000, 'b');
    EXPECT_EQ(t.type(block), 6000u);
    EXPECT_EQ(t.ld.input_bytes(), 4095u);
    EXPECT_EQ(t.type(block + block), kPendingInputSize - (6000 - 4095));
    EXPECT_EQ(t.type("x"), 0u);
    EXPECT_EQ(t.read(1000).size(), 1000u);
    EXPECT_EQ(t.ld.input_bytes(), 4095u);
    // TCIFLUSH drops the waiting bytes too.
    t.ld.flush_input();
    t.ld.process_pending(t.signals);
    EXPECT_EQ(t.ld.input_bytes(), 0u);
    EXPECT_EQ(t.type("x"), 1u);
}

TEST(TtyLineDiscipline, LiteralNextAndFlowControl) {
    Terminal t;
    t.type("\x16\x03\n");
    EXPECT_EQ(t.signals, 0u);
    EXPECT_EQ(t.echo(), "^\b^C\r\n");
    EXPECT_EQ(t.read(), "\x03\n");
    t.type("\x13");
    EXPECT_TRUE(t.ld.output_stopped());
    EXPECT_EQ(t.ld.write(bytes("held")), 0u);
    t.type("\x11");
    EXPECT_EQ(t.ld.write(bytes("sent")), 4u);
}

TEST(TtyLineDiscipline, EchonlAndTabErase) {
    Terminal t;
    t.change(&KernelTermios::lflag, kEchonl, kEcho);
    t.type("quiet\n");
    EXPECT_EQ(t.echo(), "\r\n");
    EXPECT_EQ(t.read(), "quiet\n");
    t.change(&KernelTermios::lflag, kEcho, kEchonl);
    t.type("ab\t\x7f");
    EXPECT_EQ(t.echo(), "ab\t\b\b\b\b\b\b");
}

}  // namespace
}  // namespace cella::tty
