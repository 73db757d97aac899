/* The memory routines the compiler may call on its own in freestanding
   code. rep movsb/stosb are fast on current x86-64 (ERMS) and cannot be
   turned back into calls to themselves by the optimiser. */
    .text
    .globl memcpy
    .hidden memcpy
    .type memcpy, @function
memcpy:
    mov %rdi, %rax
    mov %rdx, %rcx
    rep movsb
    ret
    .size memcpy, .-memcpy

    .globl memmove
    .hidden memmove
    .type memmove, @function
memmove:
    mov %rdi, %rax
    mov %rdx, %rcx
    cmp %rsi, %rdi
    jbe 1f
    lea -1(%rsi,%rdx), %rsi
    lea -1(%rdi,%rdx), %rdi
    std
    rep movsb
    cld
    ret
1:  rep movsb
    ret
    .size memmove, .-memmove

    .globl memset
    .hidden memset
    .type memset, @function
memset:
    mov %rdi, %r9
    mov %esi, %eax
    mov %rdx, %rcx
    rep stosb
    mov %r9, %rax
    ret
    .size memset, .-memset

    .section .note.GNU-stack,"",@progbits
