#include "libos_loader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

#include "elf/elf_file.h"

namespace cella::host {
namespace {

// The file is mapped, not read: only the headers and the loadable
// segments are touched, not the debug sections that make up most of it.
struct LibosFile {
    LibosFile() = default;
    LibosFile(const LibosFile&) = delete;
    LibosFile& operator=(const LibosFile&) = delete;
    ~LibosFile() {
        if (mapping) munmap(mapping, bytes.size());
    }
    void* mapping = nullptr;
    std::span<const std::uint8_t> bytes;
    elf::ElfFile elf;
};

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& why) {
    throw std::runtime_error(file.string() + ": " + why);
}

void read_libos(const std::filesystem::path& file, LibosFile& libos) {
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(file, "cannot open the LibOS image (is cella installed completely?)");
    struct stat st {};
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        fail(file, "cannot read the LibOS image");
    }
    void* mapping = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (mapping == MAP_FAILED) fail(file, "cannot map the LibOS image");
    libos.mapping = mapping;
    libos.bytes = {static_cast<const std::uint8_t*>(mapping), static_cast<std::size_t>(st.st_size)};
    elf::ElfError error = elf::ElfFile::parse(libos.bytes, libos.elf);
    if (error != elf::ElfError::None) fail(file, elf::describe(error));
    if (!libos.elf.is_position_independent()) fail(file, "the LibOS image must be position-independent");
}

int prot_of(const Elf64_Phdr& ph) {
    return ((ph.p_flags & PF_R) ? PROT_READ : 0) | ((ph.p_flags & PF_W) ? PROT_WRITE : 0) |
           ((ph.p_flags & PF_X) ? PROT_EXEC : 0);
}

void relocate(const std::filesystem::path& file, const LibosFile& libos, std::uint64_t base, std::uint64_t span) {
    const Elf64_Phdr* dynamic = nullptr;
    for (const Elf64_Phdr& ph : libos.elf.program_headers())
        if (ph.p_type == PT_DYNAMIC) dynamic = &ph;
    if (!dynamic) return;
    std::uint64_t rela = 0, rela_size = 0;
    auto* entries = reinterpret_cast<const Elf64_Dyn*>(base + dynamic->p_vaddr);
    for (std::size_t i = 0; i < dynamic->p_memsz / sizeof(Elf64_Dyn) && entries[i].d_tag != DT_NULL; ++i) {
        switch (entries[i].d_tag) {
        case DT_RELA: rela = entries[i].d_un.d_ptr; break;
        case DT_RELASZ: rela_size = entries[i].d_un.d_val; break;
        case DT_REL:
        case DT_JMPREL: fail(file, "has REL or PLT relocations; the LibOS must link with -Bsymbolic and no imports");
        case DT_INIT:
        case DT_INIT_ARRAY:
        case DT_FINI:
        case DT_FINI_ARRAY: fail(file, "has static constructors or destructors, which the LibOS never runs");
        case DT_NEEDED: fail(file, "depends on a shared library; the LibOS must be freestanding");
        }
    }
    if (rela + rela_size > span) fail(file, "relocation table lies outside the image");
    auto* relocs = reinterpret_cast<const Elf64_Rela*>(base + rela);
    for (std::size_t i = 0; i < rela_size / sizeof(Elf64_Rela); ++i) {
        if (ELF64_R_TYPE(relocs[i].r_info) != R_X86_64_RELATIVE)
            fail(file, "unsupported relocation type " + std::to_string(ELF64_R_TYPE(relocs[i].r_info)));
        if (relocs[i].r_offset + 8 > span) fail(file, "relocation outside the image");
        std::uint64_t value = base + static_cast<std::uint64_t>(relocs[i].r_addend);
        std::memcpy(reinterpret_cast<void*>(base + relocs[i].r_offset), &value, sizeof value);
    }
}

}  // namespace

std::uint64_t libos_span(const std::filesystem::path& file) {
    LibosFile libos;
    read_libos(file, libos);
    auto span = libos.elf.load_span();
    if (!span || span->start != 0) fail(file, "unexpected segment layout");
    return span->end;
}

LoadedLibos load_libos(const std::filesystem::path& file, std::uint64_t base) {
    LibosFile libos;
    read_libos(file, libos);
    auto span = libos.elf.load_span();
    if (!span || span->start != 0) fail(file, "unexpected segment layout");
    void* mapped = mmap(reinterpret_cast<void*>(base), span->end, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);
    if (mapped == MAP_FAILED) fail(file, "cannot map the LibOS into the enclave range");
    LoadedLibos loaded{base, base + span->end, 0, 0, base + libos.elf.header().e_entry};
    for (const Elf64_Phdr& ph : libos.elf.program_headers()) {
        if (ph.p_type != PT_LOAD) continue;
        if (ph.p_offset + ph.p_filesz > libos.bytes.size()) fail(file, "truncated segment");
        std::memcpy(reinterpret_cast<void*>(base + ph.p_vaddr), libos.bytes.data() + ph.p_offset, ph.p_filesz);
        if (ph.p_flags & PF_X) {
            if (loaded.text_start) fail(file, "more than one executable segment");
            loaded.text_start = base + (ph.p_vaddr & ~std::uint64_t{4095});
            loaded.text_end = base + ((ph.p_vaddr + ph.p_memsz + 4095) & ~std::uint64_t{4095});
        }
    }
    if (!loaded.text_start) fail(file, "no executable segment");
    relocate(file, libos, base, span->end);
    // Segment protections last, once relocation no longer writes.
    for (const Elf64_Phdr& ph : libos.elf.program_headers()) {
        if (ph.p_type != PT_LOAD) continue;
        std::uint64_t start = base + (ph.p_vaddr & ~std::uint64_t{4095});
        std::uint64_t end = base + ((ph.p_vaddr + ph.p_memsz + 4095) & ~std::uint64_t{4095});
        if (mprotect(reinterpret_cast<void*>(start), end - start, prot_of(ph)) != 0)
            fail(file, "cannot protect LibOS segments");
    }
    return loaded;
}

}  // namespace cella::host
