#include "elf_file.h"

#include <cstring>

namespace cella::elf {
namespace {

constexpr std::uint64_t kPageSize = 4096;

bool range_ok(std::uint64_t offset, std::uint64_t size, std::size_t total) {
    return offset <= total && size <= total - offset;
}

std::optional<std::string_view> c_string_at(std::span<const std::uint8_t> bytes, std::uint64_t offset,
                                            std::uint64_t limit) {
    if (offset >= bytes.size()) return std::nullopt;
    std::uint64_t end = limit < bytes.size() ? limit : bytes.size();
    const char* start = reinterpret_cast<const char*>(bytes.data() + offset);
    for (std::uint64_t i = offset; i < end; ++i)
        if (bytes[i] == 0) return std::string_view(start, i - offset);
    return std::nullopt;
}

}  // namespace

const char* describe(ElfError error) {
    switch (error) {
    case ElfError::None: return "no error";
    case ElfError::TooShort: return "file is too short to be an ELF executable";
    case ElfError::NotElf: return "not an ELF file";
    case ElfError::NotX86_64: return "not a 64-bit little-endian x86-64 ELF file";
    case ElfError::BadType: return "ELF file is neither an executable nor a shared object";
    case ElfError::BadProgramHeaders: return "ELF program headers are malformed or truncated";
    case ElfError::BadDynamic: return "ELF dynamic section is malformed or truncated";
    }
    return "unknown ELF error";
}

std::optional<std::size_t> ElfFile::headers_extent(std::span<const std::uint8_t> first_bytes) {
    if (first_bytes.size() < sizeof(Elf64_Ehdr)) return std::nullopt;
    Elf64_Ehdr header;
    std::memcpy(&header, first_bytes.data(), sizeof header);
    std::uint64_t table = header.e_phoff + std::uint64_t{header.e_phnum} * sizeof(Elf64_Phdr);
    if (header.e_phoff > (1u << 20) || table > (1u << 20)) return std::nullopt;
    return table > sizeof(Elf64_Ehdr) ? table : sizeof(Elf64_Ehdr);
}

ElfError ElfFile::parse(std::span<const std::uint8_t> bytes, ElfFile& out) {
    if (bytes.size() < 4) return ElfError::TooShort;
    if (std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) return ElfError::NotElf;
    if (bytes.size() < sizeof(Elf64_Ehdr)) return ElfError::TooShort;
    if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(Elf64_Ehdr) != 0) return ElfError::TooShort;
    const auto* header = reinterpret_cast<const Elf64_Ehdr*>(bytes.data());
    if (header->e_ident[EI_CLASS] != ELFCLASS64 || header->e_ident[EI_DATA] != ELFDATA2LSB ||
        header->e_ident[EI_VERSION] != EV_CURRENT || header->e_machine != EM_X86_64)
        return ElfError::NotX86_64;
    if (header->e_type != ET_EXEC && header->e_type != ET_DYN) return ElfError::BadType;
    if (header->e_phentsize != sizeof(Elf64_Phdr) || header->e_phnum == 0 ||
        header->e_phoff % alignof(Elf64_Phdr) != 0 ||
        !range_ok(header->e_phoff, std::uint64_t{header->e_phnum} * sizeof(Elf64_Phdr), bytes.size()))
        return ElfError::BadProgramHeaders;
    std::span<const Elf64_Phdr> phdrs(reinterpret_cast<const Elf64_Phdr*>(bytes.data() + header->e_phoff),
                                      header->e_phnum);
    bool any_load = false;
    for (const Elf64_Phdr& ph : phdrs) {
        if (ph.p_type != PT_LOAD) continue;
        any_load = true;
        if (ph.p_filesz > ph.p_memsz) return ElfError::BadProgramHeaders;
        if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr) return ElfError::BadProgramHeaders;
        if (ph.p_vaddr >= (1ull << 47) || ph.p_memsz >= (1ull << 47)) return ElfError::BadProgramHeaders;
        if (ph.p_offset + ph.p_filesz < ph.p_offset) return ElfError::BadProgramHeaders;
        if ((ph.p_vaddr % kPageSize) != (ph.p_offset % kPageSize)) return ElfError::BadProgramHeaders;
    }
    if (!any_load) return ElfError::BadProgramHeaders;
    out.bytes_ = bytes;
    out.header_ = header;
    out.phdrs_ = phdrs;
    return ElfError::None;
}

std::optional<ElfFile::LoadSpan> ElfFile::load_span() const {
    std::uint64_t start = UINT64_MAX, end = 0;
    for (const Elf64_Phdr& ph : phdrs_) {
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        std::uint64_t seg_start = ph.p_vaddr & ~(kPageSize - 1);
        std::uint64_t seg_end = (ph.p_vaddr + ph.p_memsz + kPageSize - 1) & ~(kPageSize - 1);
        if (seg_start < start) start = seg_start;
        if (seg_end > end) end = seg_end;
    }
    if (end <= start) return std::nullopt;
    return LoadSpan{start, end};
}

std::optional<std::string_view> ElfFile::interpreter() const {
    for (const Elf64_Phdr& ph : phdrs_) {
        if (ph.p_type != PT_INTERP) continue;
        if (!range_ok(ph.p_offset, ph.p_filesz, bytes_.size()) || ph.p_filesz == 0) return std::nullopt;
        return c_string_at(bytes_, ph.p_offset, ph.p_offset + ph.p_filesz);
    }
    return std::nullopt;
}

std::optional<std::uint64_t> ElfFile::file_offset_of(std::uint64_t vaddr) const {
    for (const Elf64_Phdr& ph : phdrs_) {
        if (ph.p_type != PT_LOAD) continue;
        if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz) return ph.p_offset + (vaddr - ph.p_vaddr);
    }
    return std::nullopt;
}

ElfError ElfFile::dynamic_info(DynamicInfo& out) const {
    out = DynamicInfo{};
    const Elf64_Phdr* dynamic = nullptr;
    for (const Elf64_Phdr& ph : phdrs_)
        if (ph.p_type == PT_DYNAMIC) dynamic = &ph;
    if (!dynamic) return ElfError::None;  // a static executable
    if (!range_ok(dynamic->p_offset, dynamic->p_filesz, bytes_.size()) ||
        dynamic->p_offset % alignof(Elf64_Dyn) != 0)
        return ElfError::BadDynamic;
    std::span<const Elf64_Dyn> entries(reinterpret_cast<const Elf64_Dyn*>(bytes_.data() + dynamic->p_offset),
                                       dynamic->p_filesz / sizeof(Elf64_Dyn));
    std::uint64_t strtab_addr = 0, strtab_size = 0;
    for (const Elf64_Dyn& entry : entries) {
        if (entry.d_tag == DT_NULL) break;
        if (entry.d_tag == DT_STRTAB) strtab_addr = entry.d_un.d_ptr;
        if (entry.d_tag == DT_STRSZ) strtab_size = entry.d_un.d_val;
    }
    bool wants_strings = false;
    for (const Elf64_Dyn& entry : entries) {
        if (entry.d_tag == DT_NULL) break;
        if (entry.d_tag == DT_NEEDED || entry.d_tag == DT_RUNPATH || entry.d_tag == DT_RPATH ||
            entry.d_tag == DT_SONAME)
            wants_strings = true;
    }
    if (!wants_strings) return ElfError::None;
    auto strtab = file_offset_of(strtab_addr);
    if (!strtab || !range_ok(*strtab, strtab_size, bytes_.size())) return ElfError::BadDynamic;
    std::uint64_t strtab_end = *strtab + strtab_size;
    for (const Elf64_Dyn& entry : entries) {
        if (entry.d_tag == DT_NULL) break;
        if (entry.d_tag != DT_NEEDED && entry.d_tag != DT_RUNPATH && entry.d_tag != DT_RPATH &&
            entry.d_tag != DT_SONAME)
            continue;
        if (entry.d_un.d_val >= strtab_size) return ElfError::BadDynamic;
        auto text = c_string_at(bytes_, *strtab + entry.d_un.d_val, strtab_end);
        if (!text) return ElfError::BadDynamic;
        switch (entry.d_tag) {
        case DT_NEEDED:
            if (out.needed_count == DynamicInfo::kMaxNeeded) return ElfError::BadDynamic;
            out.needed[out.needed_count++] = *text;
            break;
        case DT_RUNPATH: out.runpath = *text; break;
        case DT_RPATH: out.rpath = *text; break;
        case DT_SONAME: out.soname = *text; break;
        }
    }
    return ElfError::None;
}

}  // namespace cella::elf
