#pragma once
// A validating reader of x86-64 ELF files over bytes already in memory.
// Freestanding (no allocation), so the host (`cella add`, the libos.so
// loader) and the LibOS's program loader share it. Every offset and count
// taken from the file is checked against the bytes given.
#include <elf.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace cella::elf {

enum class ElfError {
    None,
    TooShort,        // fewer bytes than an ELF header
    NotElf,          // no \x7fELF magic
    NotX86_64,       // wrong class, data encoding, version or machine
    BadType,         // neither ET_EXEC nor ET_DYN
    BadProgramHeaders,
    BadDynamic,
};

const char* describe(ElfError error);

class ElfFile {
public:
    // Parses the ELF header and program header table. `bytes` must hold at
    // least the header and the program header table; the dynamic-section
    // helpers additionally need the whole file.
    static ElfError parse(std::span<const std::uint8_t> bytes, ElfFile& out);

    const Elf64_Ehdr& header() const { return *header_; }
    std::span<const Elf64_Phdr> program_headers() const { return phdrs_; }
    bool is_position_independent() const { return header_->e_type == ET_DYN; }

    // Bytes from offset 0 needed for header plus program headers.
    static std::optional<std::size_t> headers_extent(std::span<const std::uint8_t> first_bytes);

    // Address span covered by PT_LOAD segments (page aligned), before bias.
    struct LoadSpan {
        std::uint64_t start;
        std::uint64_t end;
    };
    std::optional<LoadSpan> load_span() const;

    // The PT_INTERP path, if the file has one and it lies within `bytes`.
    std::optional<std::string_view> interpreter() const;

    // Walks DT_NEEDED, DT_RUNPATH, DT_RPATH, DT_SONAME. Needs the whole file.
    struct DynamicInfo {
        static constexpr std::size_t kMaxNeeded = 128;
        std::string_view needed[kMaxNeeded];
        std::size_t needed_count = 0;
        std::optional<std::string_view> runpath;
        std::optional<std::string_view> rpath;
        std::optional<std::string_view> soname;
    };
    ElfError dynamic_info(DynamicInfo& out) const;

    // File offset that holds virtual address `vaddr`, via the PT_LOADs.
    std::optional<std::uint64_t> file_offset_of(std::uint64_t vaddr) const;

private:
    std::span<const std::uint8_t> bytes_;
    const Elf64_Ehdr* header_ = nullptr;
    std::span<const Elf64_Phdr> phdrs_;
};

}  // namespace cella::elf
