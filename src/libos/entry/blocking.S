/* long cella_blocking_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
   A host syscall that may block, and that a kick must be able to cut
   short. The thread's interrupt flag is checked right before the syscall
   instruction; a kick that lands between the check and the instruction is
   moved by the kick handler to cella_blocking_interrupted, so it is never
   lost. A kick during the syscall makes the host return -EINTR.
   The thread's blocked flag (%gs:18) is set for the call, for /proc. */
    .text
    .globl cella_blocking_syscall
    .hidden cella_blocking_syscall
    .type cella_blocking_syscall, @function
cella_blocking_syscall:
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    mov %r8, %r10
    mov %r9, %r8
    mov 8(%rsp), %r9
    movb $1, %gs:18
    .globl cella_blocking_window_begin
    .hidden cella_blocking_window_begin
cella_blocking_window_begin:
    cmpb $0, %gs:17
    jne cella_blocking_interrupted
    .globl cella_blocking_window_end
    .hidden cella_blocking_window_end
cella_blocking_window_end:
    syscall
    movb $0, %gs:18
    ret
    .globl cella_blocking_interrupted
    .hidden cella_blocking_interrupted
cella_blocking_interrupted:
    movb $0, %gs:18
    mov $-4, %rax
    ret
    .size cella_blocking_syscall, .-cella_blocking_syscall

/* long cella_host_clone(unsigned long flags, void* stack, int* child_tid_word,
                         void (*entry)(void*), void* arg)
   Starts a host thread on `stack` running entry(arg), which never returns.
   The parent gets the new host tid (or -errno). */
    .globl cella_host_clone
    .hidden cella_host_clone
    .type cella_host_clone, @function
cella_host_clone:
    /* Put entry and arg on the child's stack, where it will find them. */
    and $-16, %rsi
    sub $16, %rsi
    mov %rcx, 0(%rsi)
    mov %r8, 8(%rsi)
    mov %rdx, %r10          /* child_tid: cleared by the kernel when the child exits */
    xor %edx, %edx          /* parent_tid */
    xor %r8d, %r8d          /* tls */
    mov $56, %eax           /* SYS_clone */
    syscall
    test %rax, %rax
    jnz 1f
    /* child */
    xor %ebp, %ebp
    pop %rax
    pop %rdi
    call *%rax
    ud2
1:  ret
    .size cella_host_clone, .-cella_host_clone

    .section .note.GNU-stack,"",@progbits
