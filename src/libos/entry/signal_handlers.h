#pragma once
// The LibOS's host signal handlers. They run on the thread's LibOS signal
// stack with the application's registers in the ucontext.

extern "C" {
// Syscall User Dispatch: every application syscall arrives here.
void cella_sigsys_handler(int signal, void* info, void* context);
// The kick: another LibOS thread wants this one to look at its signals.
void cella_kick_handler(int signal, void* info, void* context);
// SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP: user-access fixups, application
// faults, and LibOS bugs.
void cella_fault_handler(int signal, void* info, void* context);
// The restorer's slow path (entry.S): the flag was set on the way back.
bool cella_signal_exit_interrupted(void* context);
}
