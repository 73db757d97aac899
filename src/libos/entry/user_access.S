/* Copies to and from application memory that survive a bad pointer: a
   fault inside [cella_user_access_begin, cella_user_access_end) is turned
   by the LibOS's SIGSEGV/SIGBUS handler into a jump to
   cella_user_access_fixup, which returns -EFAULT. */
    .text
    .globl cella_user_access_begin
    .hidden cella_user_access_begin
cella_user_access_begin:

/* long cella_user_copy(void* dst, const void* src, size_t n): 0 or -EFAULT */
    .globl cella_user_copy
    .hidden cella_user_copy
    .type cella_user_copy, @function
cella_user_copy:
    mov %rdx, %rcx
    rep movsb
    xor %eax, %eax
    ret
    .size cella_user_copy, .-cella_user_copy

/* long cella_user_strncpy(char* dst, const char* src, size_t max):
   length without the NUL (which is copied), -ENAMETOOLONG when no NUL
   within max bytes, -EFAULT on a bad pointer. */
    .globl cella_user_strncpy
    .hidden cella_user_strncpy
    .type cella_user_strncpy, @function
cella_user_strncpy:
    xor %eax, %eax
1:  cmp %rdx, %rax
    je 2f
    movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    test %cl, %cl
    jz 3f
    inc %rax
    jmp 1b
2:  mov $-36, %rax
3:  ret
    .size cella_user_strncpy, .-cella_user_strncpy

    .globl cella_user_access_end
    .hidden cella_user_access_end
cella_user_access_end:

    .globl cella_user_access_fixup
    .hidden cella_user_access_fixup
    .type cella_user_access_fixup, @function
cella_user_access_fixup:
    mov $-14, %rax
    ret
    .size cella_user_access_fixup, .-cella_user_access_fixup

    .section .note.GNU-stack,"",@progbits
