#pragma once
// Symbols defined in entry/*.S.
#include <cstddef>
#include <cstdint>

extern "C" {
[[noreturn]] void cella_return_to_host();
[[noreturn]] void cella_enter_user(std::uint64_t entry, std::uint64_t stack);
void cella_signal_restorer();
extern char cella_signal_exit_window_begin[];
extern char cella_signal_exit_window_last[];
long cella_user_copy(void* dst, const void* src, std::size_t n);
long cella_user_strncpy(char* dst, const char* src, std::size_t max);
long cella_blocking_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
extern char cella_blocking_window_begin[];
extern char cella_blocking_window_end[];
void cella_blocking_interrupted();
long cella_host_clone(unsigned long flags, void* stack, volatile std::uint32_t* child_tid_word,
                      void (*entry)(void*), void* arg);
extern char cella_user_access_begin[];
extern char cella_user_access_end[];
void cella_user_access_fixup();
}
