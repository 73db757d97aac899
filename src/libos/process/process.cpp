#include "process.h"

#include <cstring>

namespace cella::process {

Thread::Thread(int tid, base::RefPtr<Process> process)
    : tid_(tid), process_(static_cast<base::RefPtr<Process>&&>(process)) {}

Thread::~Thread() = default;

void Thread::set_name(std::string_view name) {
    std::size_t n = name.size() < kNameSize - 1 ? name.size() : kNameSize - 1;
    std::memcpy(name_, name.data(), n);
    name_[n] = '\0';
}

Process::~Process() { CELLA_ASSERT(threads_.is_empty()); }

Result<void> Process::set_command_line(const base::Vector<base::String>& argv) {
    base::Vector<char> line;
    for (const base::String& arg : argv) {
        TRY(line.try_append(std::span<const char>(arg.c_str(), arg.size() + 1)));
    }
    command_line_ = static_cast<base::Vector<char>&&>(line);
    return {};
}

void Process::add_thread(Thread& thread) {
    base::ScopedLock guard(threads_lock_);
    threads_.push_back(thread);
}

void Process::remove_thread(Thread& thread) {
    base::ScopedLock guard(threads_lock_);
    base::IntrusiveList<Thread>::remove(thread);
}

}  // namespace cella::process
