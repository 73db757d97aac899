#pragma once
// Terminal settings as the Linux x86-64 ABI lays them out (TCGETS's
// struct termios, TCGETS2's struct termios2, struct winsize) and the flag
// bits the line discipline acts on. Kept apart from the UAPI headers so
// that the line discipline also builds for the host's unit tests, next to
// the host libc's own <termios.h>.
#include <cstdint>

namespace cella::tty {

inline constexpr int kNccs = 19;

struct KernelTermios {
    std::uint32_t iflag;
    std::uint32_t oflag;
    std::uint32_t cflag;
    std::uint32_t lflag;
    std::uint8_t line;
    std::uint8_t cc[kNccs];
};
static_assert(sizeof(KernelTermios) == 36);

struct KernelTermios2 {
    KernelTermios base;
    std::uint32_t ispeed;
    std::uint32_t ospeed;
};
static_assert(sizeof(KernelTermios2) == 44);

// TCGETS2 and friends (the UAPI header spells them with sizeof(struct termios2)).
inline constexpr unsigned long kTcgets2 = 0x802c542a, kTcsets2 = 0x402c542b, kTcsetsw2 = 0x402c542c,
                               kTcsetsf2 = 0x402c542d;

struct Winsize {
    std::uint16_t rows, columns, xpixel, ypixel;
    bool operator==(const Winsize&) const = default;
};
static_assert(sizeof(Winsize) == 8);

// c_cc indices
inline constexpr int kVintr = 0, kVquit = 1, kVerase = 2, kVkill = 3, kVeof = 4, kVtime = 5, kVmin = 6, kVstart = 8,
                     kVstop = 9, kVsusp = 10, kVeol = 11, kVreprint = 12, kVdiscard = 13, kVwerase = 14, kVlnext = 15,
                     kVeol2 = 16;

// c_iflag
inline constexpr std::uint32_t kIstrip = 0x020, kInlcr = 0x040, kIgncr = 0x080, kIcrnl = 0x100, kIuclc = 0x200,
                               kIxon = 0x400, kIxany = 0x800, kIutf8 = 0x4000;
// c_oflag
inline constexpr std::uint32_t kOpost = 0x01, kOlcuc = 0x02, kOnlcr = 0x04, kOcrnl = 0x08, kOnocr = 0x10,
                               kOnlret = 0x20, kTabdly = 0x1800, kXtabs = 0x1800;
// c_cflag
inline constexpr std::uint32_t kCbaud = 0x100f, kB38400 = 0xf, kCs8 = 0x30, kCread = 0x80, kHupcl = 0x400;
// c_lflag
inline constexpr std::uint32_t kIsig = 0x1, kIcanon = 0x2, kEcho = 0x8, kEchoe = 0x10, kEchok = 0x20, kEchonl = 0x40,
                               kNoflsh = 0x80, kTostop = 0x100, kEchoctl = 0x200, kEchoprt = 0x400, kEchoke = 0x800,
                               kIexten = 0x8000, kExtproc = 0x10000;

// What a new pseudo-terminal starts with: Linux's tty_std_termios.
inline KernelTermios default_termios() {
    KernelTermios t{};
    t.iflag = kIcrnl | kIxon;
    t.oflag = kOpost | kOnlcr;
    t.cflag = kB38400 | kCs8 | kCread | kHupcl;
    t.lflag = kIsig | kIcanon | kEcho | kEchoe | kEchok | kEchoctl | kEchoke | kIexten;
    const std::uint8_t cc[kNccs] = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};
    for (int i = 0; i < kNccs; ++i) t.cc[i] = cc[i];
    return t;
}

// The speed c_cflag's CBAUD bits stand for (B38400 and the like), as
// TCGETS2 reports it in c_ispeed/c_ospeed.
std::uint32_t baud_of(std::uint32_t cflag);

}  // namespace cella::tty
