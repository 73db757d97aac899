/* Crossing between host, LibOS and application code. */
    .text

/* void cella_libos_entry(const BootInfo* boot, ExitRecord* exit)
   The ELF entry of libos.so, called by the host like a function. It keeps
   the host's callee-saved registers and stack so that cella_return_to_host
   can come back here from anywhere in the LibOS (typically the SIGSYS
   handler serving the last exit_group) and return to the host. */
    .globl cella_libos_entry
    .type cella_libos_entry, @function
cella_libos_entry:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    mov %rsp, cella_host_stack(%rip)
    call cella_libos_main
    /* fall through: libos_main returned (boot failed before any app ran) */
    .globl cella_return_to_host
    .hidden cella_return_to_host
    .type cella_return_to_host, @function
cella_return_to_host:
    mov cella_host_stack(%rip), %rsp
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size cella_libos_entry, .-cella_libos_entry

/* [[noreturn]] void cella_enter_user(uint64_t entry, uint64_t stack)
   Starts application code the way Linux leaves a fresh process: rsp at
   argc, the other registers zero (rdx = 0: no atexit function for the
   libc's start code to register). */
    .globl cella_enter_user
    .hidden cella_enter_user
    .type cella_enter_user, @function
cella_enter_user:
    mov %rsi, %rsp
    mov %rdi, %r11
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    jmp *%r11
    .size cella_enter_user, .-cella_enter_user

/* The sa_restorer of every LibOS signal handler: it must live in LibOS
   text, or Syscall User Dispatch would trap its rt_sigreturn. %rsp points
   at the ucontext being restored.

   A kick that lands in LibOS text is ignored, since the flag is looked at
   on the way back; so the last look is here, in a window the kick handler
   rewinds to its start: a signal posted after the handler looked (a
   SIGSTOP to a thread about to return to a loop without syscalls) is
   taken before the application runs again. */
    .globl cella_signal_restorer
    .hidden cella_signal_restorer
    .type cella_signal_restorer, @function
cella_signal_restorer:
    .globl cella_signal_exit_window_begin
    .hidden cella_signal_exit_window_begin
cella_signal_exit_window_begin:
    cmpb $0, %gs:17
    jne 2f
1:  mov $15, %eax
    .globl cella_signal_exit_window_last
    .hidden cella_signal_exit_window_last
cella_signal_exit_window_last:
    syscall
    ud2
    /* Outside the window, which it goes back to; false when the context
       goes back into the LibOS, which looks at the flag itself. */
2:  mov %rsp, %rdi
    cld
    call cella_signal_exit_interrupted
    test %al, %al
    jnz cella_signal_exit_window_begin
    jmp 1b
    .size cella_signal_restorer, .-cella_signal_restorer

    .bss
    .balign 8
    .hidden cella_host_stack
cella_host_stack:
    .quad 0

    .section .note.GNU-stack,"",@progbits

/* [[noreturn]] void cella_sigreturn_to(void* ucontext)
   Starts a new thread in application code: the host kernel's rt_sigreturn
   loads every register, the FPU state, the signal mask and the signal
   stack from the ucontext at rsp (the pretcode slot is below it). It goes
   through the restorer's window: a signal sent before the thread's host
   tid was known was never kicked, and is taken before the first
   application instruction. */
    .text
    .globl cella_sigreturn_to
    .hidden cella_sigreturn_to
    .type cella_sigreturn_to, @function
cella_sigreturn_to:
    mov %rdi, %rsp
    jmp cella_signal_restorer
    .size cella_sigreturn_to, .-cella_sigreturn_to
    .section .note.GNU-stack,"",@progbits
