/* The direct syscall entry: what a rewritten syscall site reaches through
   its trampoline, with no signal. The trampoline has run the instruction
   the site held before its `syscall` (so %eax holds the number), loaded
   %rcx with the address after the `syscall` instruction (what `syscall`
   itself leaves in %rcx), and jumped here with every other register as
   the application had it, %rsp included.

   The application's registers go into a KernelUcontext (the same layout
   the SIGSYS path gets from the host kernel) on the thread's fast stack,
   so that the dispatcher, signal delivery, rt_sigreturn, clone and exec
   work on one kind of frame. Nothing is written below the application's
   %rsp: its red zone is untouched. The FPU state is not saved here; the
   LibOS is compiled without SSE, and cella_fast_syscall captures the
   state with XSAVE only when a handler, clone or exec needs it.

   Offsets: ThreadCpu (cpu.h) and struct ucontext/sigcontext (static
   assertions in fast_syscall.cpp keep them honest). */

#define CPU_INTERRUPT   17
#define CPU_FAST_FRAME  56
#define CPU_SCRATCH_RSP 64
#define CPU_SCRATCH_RIP 72
#define CPU_FP_BUFFER   80
#define CPU_FP_CAPTURED 88

#define MC 40   /* uc_mcontext in struct ucontext */
#define R8 (MC + 0)
#define R9 (MC + 8)
#define R10 (MC + 16)
#define R11 (MC + 24)
#define R12 (MC + 32)
#define R13 (MC + 40)
#define R14 (MC + 48)
#define R15 (MC + 56)
#define RDI (MC + 64)
#define RSI (MC + 72)
#define RBP (MC + 80)
#define RBX (MC + 88)
#define RDX (MC + 96)
#define RAX (MC + 104)
#define RCX (MC + 112)
#define RSP (MC + 120)
#define RIP (MC + 128)
#define EFLAGS (MC + 136)
#define FPSTATE (MC + 184)

    .text
    .globl cella_fast_entry
    .hidden cella_fast_entry
    .type cella_fast_entry, @function
cella_fast_entry:
    mov %rsp, %gs:CPU_SCRATCH_RSP
    mov %gs:CPU_FAST_FRAME, %rsp
    mov %r8, R8(%rsp)
    mov %r9, R9(%rsp)
    mov %r10, R10(%rsp)
    mov %r12, R12(%rsp)
    mov %r13, R13(%rsp)
    mov %r14, R14(%rsp)
    mov %r15, R15(%rsp)
    mov %rdi, RDI(%rsp)
    mov %rsi, RSI(%rsp)
    mov %rbp, RBP(%rsp)
    mov %rbx, RBX(%rsp)
    mov %rdx, RDX(%rsp)
    mov %rax, RAX(%rsp)
    mov %rcx, RCX(%rsp)
    mov %rcx, RIP(%rsp)
    /* `syscall` leaves the flags in %r11 and keeps them. */
    pushfq
    pop %r11
    mov %r11, R11(%rsp)
    mov %r11, EFLAGS(%rsp)
    mov %gs:CPU_SCRATCH_RSP, %r11
    mov %r11, RSP(%rsp)
    movq $0, FPSTATE(%rsp)
    movl $0, %gs:CPU_FP_CAPTURED
    cld
    mov %rsp, %rdi
    call cella_fast_syscall

/* The way back. A kick that lands anywhere from here to the final jump
   is moved back to the start of this window by the kick handler (the
   frame is still whole), so a signal posted after cella_fast_syscall
   looked is delivered before the application runs again. */
    .globl cella_fast_exit_window_begin
    .hidden cella_fast_exit_window_begin
cella_fast_exit_window_begin:
    mov %gs:CPU_FAST_FRAME, %rsp
    cmpb $0, %gs:CPU_INTERRUPT
    jne 2f
    /* The FPU state was captured (and maybe changed: a handler's fresh
       state, rt_sigreturn's saved one): load it back. Doing it twice
       after a rewind does no harm. */
    cmpl $0, %gs:CPU_FP_CAPTURED
    je 1f
    mov %gs:CPU_FP_BUFFER, %rdi
    mov $-1, %eax
    mov $-1, %edx
    .globl cella_fast_xrstor
    .hidden cella_fast_xrstor
cella_fast_xrstor:
    xrstor64 (%rdi)
    movl $0, %gs:CPU_FP_CAPTURED
1:  mov RIP(%rsp), %rax
    mov %rax, %gs:CPU_SCRATCH_RIP
    mov RSP(%rsp), %rax
    mov %rax, %gs:CPU_SCRATCH_RSP
    pushq EFLAGS(%rsp)
    popfq
    mov R8(%rsp), %r8
    mov R9(%rsp), %r9
    mov R10(%rsp), %r10
    mov R11(%rsp), %r11
    mov R12(%rsp), %r12
    mov R13(%rsp), %r13
    mov R14(%rsp), %r14
    mov R15(%rsp), %r15
    mov RDI(%rsp), %rdi
    mov RSI(%rsp), %rsi
    mov RBP(%rsp), %rbp
    mov RBX(%rsp), %rbx
    mov RDX(%rsp), %rdx
    mov RCX(%rsp), %rcx
    mov RAX(%rsp), %rax
    mov %gs:CPU_SCRATCH_RSP, %rsp
    .globl cella_fast_exit_window_last
    .hidden cella_fast_exit_window_last
cella_fast_exit_window_last:
    jmp *%gs:CPU_SCRATCH_RIP

    /* Something to deliver arrived after the LibOS looked: outside the
       window, since it goes back to the start of it. */
2:  cld
    mov %rsp, %rdi
    call cella_fast_interrupted
    jmp cella_fast_exit_window_begin
    .size cella_fast_entry, .-cella_fast_entry

    .section .note.GNU-stack,"",@progbits
