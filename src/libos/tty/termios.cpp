#include "termios.h"

namespace cella::tty {

std::uint32_t baud_of(std::uint32_t cflag) {
    // B0..B38400, then the CBAUDEX speeds B57600..B4000000.
    static constexpr std::uint32_t kLow[16] = {0,   50,   75,   110,  134,  150,  200,   300,
                                               600, 1200, 1800, 2400, 4800, 9600, 19200, 38400};
    static constexpr std::uint32_t kHigh[16] = {0,       57600,   115200,  230400,  460800,  500000,
                                                576000,  921600,  1000000, 1152000, 1500000, 2000000,
                                                2500000, 3000000, 3500000, 4000000};
    std::uint32_t code = cflag & kCbaud;
    return code & 0x1000 ? kHigh[code & 0xf] : kLow[code & 0xf];
}

}  // namespace cella::tty
