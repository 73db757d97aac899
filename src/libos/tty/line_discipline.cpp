#include "line_discipline.h"

namespace cella::tty {
namespace {

constexpr int kSigint = 2, kSigquit = 3, kSigtstp = 20;

// The C locale's classes, which n_tty uses.
bool is_control(std::uint8_t c) { return c < 0x20 || c == 0x7f; }
bool is_alnum(std::uint8_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
std::uint8_t to_lower(std::uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
std::uint8_t to_upper(std::uint8_t c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

}  // namespace

LineDiscipline::LineDiscipline() : termios_(default_termios()) { rebuild_special_map(); }

// Only the characters in this map leave the fast path, as n_tty's
// char_map; a c_cc entry of 0 is disabled (_POSIX_VDISABLE).
void LineDiscipline::rebuild_special_map() {
    special_.fill(false);
    if (iflag(kIgncr) || iflag(kIcrnl)) special_['\r'] = true;
    if (iflag(kInlcr)) special_['\n'] = true;
    if (lflag(kIcanon)) {
        special_[cc(kVerase)] = special_[cc(kVkill)] = special_[cc(kVeof)] = true;
        special_['\n'] = special_[cc(kVeol)] = true;
        if (lflag(kIexten)) {
            special_[cc(kVwerase)] = special_[cc(kVlnext)] = special_[cc(kVeol2)] = true;
            if (lflag(kEcho)) special_[cc(kVreprint)] = true;
        }
    }
    if (iflag(kIxon)) special_[cc(kVstart)] = special_[cc(kVstop)] = true;
    if (lflag(kIsig)) special_[cc(kVintr)] = special_[cc(kVquit)] = special_[cc(kVsusp)] = true;
    special_[0] = false;
}

void LineDiscipline::set_termios(const KernelTermios& termios) {
    bool was_canonical = lflag(kIcanon);
    termios_ = termios;
    if (was_canonical != lflag(kIcanon)) {
        if (lflag(kIcanon) && read_head_ != read_tail_) {
            // What was typed in raw mode becomes one line to read.
            marks_[(read_head_ - 1) & kMask] |= kLineEnd;
            canon_head_ = read_head_;
        } else {
            canon_head_ = read_tail_;
        }
        literal_next_ = false;
    }
    if (!iflag(kIxon)) stopped_ = false;
    rebuild_special_map();
}

std::size_t LineDiscipline::type(std::span<const std::uint8_t> data, std::uint32_t& signals) {
    std::size_t taken = pending_.push(data);
    process_pending(signals);
    return taken;
}

void LineDiscipline::process_pending(std::uint32_t& signals) {
    while (!pending_.is_empty() && receive(pending_.at(0), signals)) pending_.pop();
}

bool LineDiscipline::receive(std::uint8_t c, std::uint32_t& signals) {
    // One byte stays free, as in n_tty. A canonical line that fills the
    // buffer keeps taking bytes in its last place, so that ERASE works and
    // a newline still ends it.
    std::size_t used = read_head_ - read_tail_;
    if (used + 1 >= kInputBufferSize) {
        bool overflow = lflag(kIcanon) && canon_head_ == read_tail_;
        if (!overflow) return false;
        if (used >= kInputBufferSize) --read_head_;
    }
    if (literal_next_) {
        literal_next_ = false;
        if (iflag(kIstrip)) c &= 0x7f;
        if (iflag(kIuclc) && lflag(kIexten)) c = to_lower(c);
        receive_normal(c);
        return true;
    }
    if (iflag(kIstrip)) c &= 0x7f;
    if (iflag(kIuclc) && lflag(kIexten)) c = to_lower(c);
    if (special_[c])
        receive_special(c, signals);
    else
        receive_normal(c);
    return true;
}

void LineDiscipline::receive_normal(std::uint8_t c) {
    if (lflag(kEcho)) {
        if (canon_head_ == read_head_) canon_column_ = column_;
        echo_char(c);
    }
    put(c);
}

void LineDiscipline::signal_char(int signo, std::uint8_t c, std::uint32_t& signals) {
    signals |= 1u << signo;
    if (!lflag(kNoflsh)) {
        reset_input();
        flush_output();
    }
    if (iflag(kIxon)) stopped_ = false;
    if (lflag(kEcho)) echo_char(c);
}

void LineDiscipline::receive_special(std::uint8_t c, std::uint32_t& signals) {
    if (iflag(kIxon)) {
        if (c == cc(kVstart)) {
            stopped_ = false;
            return;
        }
        if (c == cc(kVstop)) {
            stopped_ = true;
            return;
        }
    }
    if (lflag(kIsig)) {
        if (c == cc(kVintr)) return signal_char(kSigint, c, signals);
        if (c == cc(kVquit)) return signal_char(kSigquit, c, signals);
        if (c == cc(kVsusp)) return signal_char(kSigtstp, c, signals);
    }
    if (stopped_ && iflag(kIxon) && iflag(kIxany)) stopped_ = false;
    if (c == '\r') {
        if (iflag(kIgncr)) return;
        if (iflag(kIcrnl)) c = '\n';
    } else if (c == '\n' && iflag(kInlcr)) {
        c = '\r';
    }
    if (lflag(kIcanon)) {
        if (c == cc(kVerase)) return erase(Erase::Char);
        if (c == cc(kVkill)) return erase(Erase::Line);
        if (c == cc(kVwerase) && lflag(kIexten)) return erase(Erase::Word);
        if (c == cc(kVlnext) && lflag(kIexten)) {
            literal_next_ = true;
            if (lflag(kEcho) && lflag(kEchoctl)) {
                echo_raw('^');
                echo_raw('\b');
            }
            return;
        }
        if (c == cc(kVreprint) && lflag(kEcho) && lflag(kIexten)) return reprint();
        if (c == '\n') {
            if (lflag(kEcho) || lflag(kEchonl)) echo_raw('\n');
            return end_line(c, kLineEnd);
        }
        if (c == cc(kVeof)) return end_line(0, kLineEnd | kEofMark);
        if (c == cc(kVeol) || (c == cc(kVeol2) && lflag(kIexten))) {
            if (lflag(kEcho)) {
                if (canon_head_ == read_head_) canon_column_ = column_;
                echo_char(c);
            }
            return end_line(c, kLineEnd);
        }
    }
    if (lflag(kEcho)) {
        if (c == '\n') {
            echo_raw('\n');
        } else {
            if (canon_head_ == read_head_) canon_column_ = column_;
            echo_char(c);
        }
    }
    put(c);
}

void LineDiscipline::put(std::uint8_t c) {
    buffer_[read_head_ & kMask] = c;
    marks_[read_head_ & kMask] = 0;
    ++read_head_;
}

void LineDiscipline::end_line(std::uint8_t c, std::uint8_t marks) {
    put(c);
    marks_[(read_head_ - 1) & kMask] = marks;
    canon_head_ = read_head_;
}

// n_tty's eraser(): one character, a word (BSD's ALTWERASE: trailing
// non-alphanumerics, then alphanumerics), or the line.
void LineDiscipline::erase(Erase kind) {
    if (read_head_ == canon_head_) return;
    if (kind == Erase::Line) {
        if (!lflag(kEcho)) {
            read_head_ = canon_head_;
            return;
        }
        if (!lflag(kEchok) || !lflag(kEchoke) || !lflag(kEchoe)) {
            read_head_ = canon_head_;
            echo_char(cc(kVkill));
            if (lflag(kEchok)) echo_raw('\n');
            return;
        }
    }
    bool seen_alnum = false;
    while (read_head_ != canon_head_) {
        std::size_t head = read_head_;
        std::uint8_t c;
        do {
            c = at(--head);
        } while (is_continuation(c) && head != canon_head_);
        if (is_continuation(c)) break;
        if (kind == Erase::Word) {
            if (is_alnum(c) || c == '_')
                seen_alnum = true;
            else if (seen_alnum)
                break;
        }
        read_head_ = head;
        if (lflag(kEcho)) {
            if (kind == Erase::Char && !lflag(kEchoe)) {
                echo_char(cc(kVerase));
            } else if (c == '\t') {
                erase_tab();
            } else {
                if (is_control(c) && lflag(kEchoctl)) echo_rubout();
                if (!is_control(c) || lflag(kEchoctl)) echo_rubout();
            }
        }
        if (kind == Erase::Char) break;
    }
}

// Backs over a tab: the columns it took depend on what precedes it since
// the previous tab, or since the start of the line (and its column).
void LineDiscipline::erase_tab() {
    std::size_t columns = 0;
    bool after_tab = false;
    for (std::size_t position = read_head_; position != canon_head_;) {
        std::uint8_t c = at(--position);
        if (c == '\t') {
            after_tab = true;
            break;
        }
        if (is_control(c)) {
            if (lflag(kEchoctl)) columns += 2;
        } else if (!is_continuation(c)) {
            ++columns;
        }
    }
    if (!after_tab) columns += canon_column_;
    for (std::size_t n = 8 - (columns & 7); n; --n) echo_raw('\b');
}

void LineDiscipline::reprint() {
    echo_char(cc(kVreprint));
    echo_raw('\n');
    for (std::size_t position = canon_head_; position != read_head_; ++position) echo_char(at(position));
}

void LineDiscipline::echo_char(std::uint8_t c) {
    if (lflag(kEchoctl) && is_control(c) && c != '\t') {
        // No output processing for the pair, as n_tty.
        if (output_.room() < 2) return;
        output_.push('^');
        output_.push(c ^ 0100);
        column_ += 2;
        return;
    }
    output_char(c);
}

// n_tty's do_output_char; false when the bytes do not fit.
bool LineDiscipline::output_char(std::uint8_t c) {
    if (!oflag(kOpost)) return output_.push(c);
    switch (c) {
    case '\n':
        if (oflag(kOnlret)) column_ = 0;
        if (oflag(kOnlcr)) {
            if (output_.room() < 2) return false;
            output_.push('\r');
            output_.push('\n');
            canon_column_ = column_ = 0;
            return true;
        }
        canon_column_ = column_;
        break;
    case '\r':
        if (oflag(kOnocr) && column_ == 0) return true;
        if (oflag(kOcrnl)) {
            c = '\n';
            if (oflag(kOnlret)) canon_column_ = column_ = 0;
            break;
        }
        canon_column_ = column_ = 0;
        break;
    case '\t': {
        std::size_t spaces = 8 - (column_ & 7);
        if ((termios_.oflag & kTabdly) == kXtabs) {
            if (output_.room() < spaces) return false;
            for (std::size_t i = 0; i < spaces; ++i) output_.push(' ');
            column_ += spaces;
            return true;
        }
        column_ += spaces;
        break;
    }
    case '\b':
        if (column_ > 0) --column_;
        break;
    default:
        if (!is_control(c)) {
            if (oflag(kOlcuc)) c = to_upper(c);
            if (!is_continuation(c)) ++column_;
        }
        break;
    }
    return output_.push(c);
}

std::size_t LineDiscipline::write(std::span<const std::uint8_t> data) {
    if (stopped_) return 0;
    std::size_t done = 0;
    while (done < data.size() && output_.room() && output_char(data[done])) ++done;
    return done;
}

bool LineDiscipline::readable(std::size_t minimum) const {
    if (lflag(kIcanon)) return canon_head_ != read_tail_;
    return read_head_ - read_tail_ >= (minimum ? minimum : 1);
}

std::size_t LineDiscipline::input_bytes() const {
    if (!lflag(kIcanon)) return read_head_ - read_tail_;
    std::size_t n = 0;
    for (std::size_t position = read_tail_; position != canon_head_; ++position)
        if (!(marks_[position & kMask] & kEofMark)) ++n;
    return n;
}

std::size_t LineDiscipline::read(std::span<std::uint8_t> out) {
    std::size_t n = 0;
    if (!lflag(kIcanon)) {
        while (n < out.size() && read_tail_ != read_head_) out[n++] = at(read_tail_++);
        return n;
    }
    while (read_tail_ != canon_head_) {
        std::uint8_t marks = marks_[read_tail_ & kMask];
        if (marks & kEofMark) {
            // Reached with the line's bytes all read: the EOF goes with them.
            ++read_tail_;
            break;
        }
        if (n == out.size()) break;
        out[n++] = at(read_tail_++);
        if (marks & kLineEnd) break;
    }
    return n;
}

void LineDiscipline::reset_input() {
    read_tail_ = canon_head_ = read_head_ = 0;
    literal_next_ = false;
    marks_.fill(0);
}

}  // namespace cella::tty
