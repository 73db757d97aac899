// The ELF reader shared by the host and the LibOS loader.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "elf/elf_file.h"

namespace cella::elf {
namespace {

std::vector<std::uint8_t> read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A small valid ELF header with one PT_LOAD and a PT_INTERP, built in memory.
struct TinyElf {
    alignas(8) std::uint8_t bytes[512] = {};
    TinyElf() {
        auto* header = reinterpret_cast<Elf64_Ehdr*>(bytes);
        std::memcpy(header->e_ident, ELFMAG, SELFMAG);
        header->e_ident[EI_CLASS] = ELFCLASS64;
        header->e_ident[EI_DATA] = ELFDATA2LSB;
        header->e_ident[EI_VERSION] = EV_CURRENT;
        header->e_type = ET_DYN;
        header->e_machine = EM_X86_64;
        header->e_phoff = sizeof(Elf64_Ehdr);
        header->e_phentsize = sizeof(Elf64_Phdr);
        header->e_phnum = 2;
        header->e_entry = 0x1100;
        auto* phdrs = reinterpret_cast<Elf64_Phdr*>(bytes + sizeof(Elf64_Ehdr));
        phdrs[0] = {PT_INTERP, PF_R, 400, 400, 400, 13, 13, 1};  // with its NUL
        phdrs[1] = {PT_LOAD, PF_R | PF_X, 0, 0x1000, 0x1000, 512, 0x2345, 0x1000};
        std::memcpy(bytes + 400, "/lib/ld.so.1", 12);
    }
    Elf64_Ehdr& header() { return *reinterpret_cast<Elf64_Ehdr*>(bytes); }
    Elf64_Phdr* phdrs() { return reinterpret_cast<Elf64_Phdr*>(bytes + sizeof(Elf64_Ehdr)); }
    std::span<const std::uint8_t> span() const { return bytes; }
};

TEST(ElfFile, ParsesHeadersSpanAndInterpreter) {
    TinyElf tiny;
    ElfFile file;
    ASSERT_EQ(ElfFile::parse(tiny.span(), file), ElfError::None);
    EXPECT_TRUE(file.is_position_independent());
    auto span = file.load_span();
    ASSERT_TRUE(span);
    EXPECT_EQ(span->start, 0x1000u);
    EXPECT_EQ(span->end, 0x4000u);
    auto interp = file.interpreter();
    ASSERT_TRUE(interp);
    EXPECT_EQ(*interp, "/lib/ld.so.1");
}

TEST(ElfFile, RejectsWhatIsNotAnX86_64Executable) {
    ElfFile file;
    const std::uint8_t text[] = "#!/bin/sh\necho hi\n";
    EXPECT_EQ(ElfFile::parse(text, file), ElfError::NotElf);
    TinyElf tiny;
    EXPECT_EQ(ElfFile::parse(tiny.span().first(40), file), ElfError::TooShort);
    tiny.header().e_machine = EM_AARCH64;
    EXPECT_EQ(ElfFile::parse(tiny.span(), file), ElfError::NotX86_64);
    TinyElf relocatable;
    relocatable.header().e_type = ET_REL;
    EXPECT_EQ(ElfFile::parse(relocatable.span(), file), ElfError::BadType);
}

TEST(ElfFile, RejectsMalformedProgramHeaders) {
    ElfFile file;
    TinyElf beyond;
    beyond.header().e_phnum = 200;  // table runs past the bytes
    EXPECT_EQ(ElfFile::parse(beyond.span(), file), ElfError::BadProgramHeaders);
    TinyElf filesz;
    filesz.phdrs()[1].p_filesz = filesz.phdrs()[1].p_memsz + 1;
    EXPECT_EQ(ElfFile::parse(filesz.span(), file), ElfError::BadProgramHeaders);
    TinyElf misaligned;
    misaligned.phdrs()[1].p_offset = 0x10;  // vaddr and offset disagree modulo the page size
    EXPECT_EQ(ElfFile::parse(misaligned.span(), file), ElfError::BadProgramHeaders);
    TinyElf wrapping;
    wrapping.phdrs()[1].p_vaddr = ~std::uint64_t{0} - 0x100;
    EXPECT_EQ(ElfFile::parse(wrapping.span(), file), ElfError::BadProgramHeaders);
    TinyElf unterminated;
    std::memcpy(unterminated.bytes + 400, "/lib/ld.so.12", 12);
    unterminated.phdrs()[0].p_filesz = 12;
    ASSERT_EQ(ElfFile::parse(unterminated.span(), file), ElfError::None);
    EXPECT_EQ(file.interpreter(), std::nullopt);
}

TEST(ElfFile, ReadsDynamicSectionOfARealProgram) {
    auto bytes = read_file("/bin/ls");
    ASSERT_FALSE(bytes.empty());
    ElfFile file;
    ASSERT_EQ(ElfFile::parse(bytes, file), ElfError::None);
    EXPECT_EQ(file.interpreter(), "/lib64/ld-linux-x86-64.so.2");
    ElfFile::DynamicInfo info;
    ASSERT_EQ(file.dynamic_info(info), ElfError::None);
    bool needs_libc = false;
    for (std::size_t i = 0; i < info.needed_count; ++i) needs_libc |= info.needed[i] == "libc.so.6";
    EXPECT_TRUE(needs_libc);
}

TEST(ElfFile, HeadersExtentCoversProgramHeaders) {
    TinyElf tiny;
    auto extent = ElfFile::headers_extent(tiny.span());
    ASSERT_TRUE(extent);
    EXPECT_EQ(*extent, sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr));
}

}  // namespace
}  // namespace cella::elf
