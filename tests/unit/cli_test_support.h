#pragma once
// Helpers for the CLI's unit tests: scratch folders, files, and small
// x86-64 ELF files carrying just what `cella add` reads (PT_INTERP and the
// DT_NEEDED / DT_RUNPATH / DT_RPATH / DT_SONAME strings).
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cella::cli::test_support {

// A fresh folder under $TMPDIR, removed with everything in it.
class ScratchFolder {
public:
    ScratchFolder() {
        std::string pattern = (std::filesystem::temp_directory_path() / "cella-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~ScratchFolder() {
        std::error_code error;
        // Make folders writable first so read-only ones can be emptied.
        for (auto it = std::filesystem::recursive_directory_iterator(path_, error);
             !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error))
            if (it->is_directory(error) && !it->is_symlink(error))
                std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                             std::filesystem::perm_options::add, error);
        std::filesystem::remove_all(path_, error);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& relative) const { return path_ / relative; }

private:
    std::filesystem::path path_;
};

inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// The message of the exception `action` throws, or a test failure.
template <typename Exception, typename Action>
std::string message_of(Action&& action) {
    try {
        action();
    } catch (const Exception& error) {
        return error.what();
    }
    ADD_FAILURE() << "expected an exception";
    return {};
}

inline void write_bytes(const std::filesystem::path& file, const std::string& bytes, mode_t mode = 0644) {
    std::filesystem::create_directories(file.parent_path());
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << bytes;
        if (!out) throw std::runtime_error("cannot write " + file.string());
    }
    ::chmod(file.c_str(), mode);
}

inline std::string read_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void make_symlink(const std::string& target, const std::filesystem::path& link) {
    std::filesystem::create_directories(link.parent_path());
    std::filesystem::create_symlink(target, link);
}

// Builds an ET_DYN file: header, program headers, then the interpreter
// path, the string table and the dynamic section, all inside one PT_LOAD
// mapped at address 0 (so an address equals its file offset).
class ElfBuilder {
public:
    ElfBuilder& interpreter(std::string path) {
        interpreter_ = std::move(path);
        return *this;
    }
    ElfBuilder& needs(std::string name) {
        needed_.push_back(std::move(name));
        return *this;
    }
    ElfBuilder& runpath(std::string value) {
        runpath_ = std::move(value);
        return *this;
    }
    ElfBuilder& rpath(std::string value) {
        rpath_ = std::move(value);
        return *this;
    }
    ElfBuilder& soname(std::string value) {
        soname_ = std::move(value);
        return *this;
    }
    ElfBuilder& machine(std::uint16_t value) {
        machine_ = value;
        return *this;
    }

    std::string build() const {
        std::string strings(1, '\0');
        std::vector<Elf64_Dyn> dynamic;
        auto add_string = [&](std::int64_t tag, const std::string& text) {
            Elf64_Dyn entry{};
            entry.d_tag = tag;
            entry.d_un.d_val = strings.size();
            strings += text;
            strings += '\0';
            dynamic.push_back(entry);
        };
        for (const std::string& name : needed_) add_string(DT_NEEDED, name);
        if (runpath_) add_string(DT_RUNPATH, *runpath_);
        if (rpath_) add_string(DT_RPATH, *rpath_);
        if (soname_) add_string(DT_SONAME, *soname_);

        std::size_t phnum = 2 + (interpreter_ ? 1 : 0);
        std::size_t interp_offset = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
        std::size_t interp_size = interpreter_ ? interpreter_->size() + 1 : 0;
        std::size_t strtab_offset = interp_offset + interp_size;
        std::size_t dynamic_offset = (strtab_offset + strings.size() + 7) & ~std::size_t{7};
        Elf64_Dyn strtab{}, strsz{}, null{};
        strtab.d_tag = DT_STRTAB;
        strtab.d_un.d_ptr = strtab_offset;
        strsz.d_tag = DT_STRSZ;
        strsz.d_un.d_val = strings.size();
        dynamic.push_back(strtab);
        dynamic.push_back(strsz);
        dynamic.push_back(null);
        std::size_t total = dynamic_offset + dynamic.size() * sizeof(Elf64_Dyn);

        std::string file(total, '\0');
        Elf64_Ehdr header{};
        std::memcpy(header.e_ident, ELFMAG, SELFMAG);
        header.e_ident[EI_CLASS] = ELFCLASS64;
        header.e_ident[EI_DATA] = ELFDATA2LSB;
        header.e_ident[EI_VERSION] = EV_CURRENT;
        header.e_type = ET_DYN;
        header.e_machine = machine_;
        header.e_version = EV_CURRENT;
        header.e_phoff = sizeof(Elf64_Ehdr);
        header.e_ehsize = sizeof(Elf64_Ehdr);
        header.e_phentsize = sizeof(Elf64_Phdr);
        header.e_phnum = static_cast<std::uint16_t>(phnum);
        std::memcpy(file.data(), &header, sizeof header);

        std::vector<Elf64_Phdr> phdrs;
        if (interpreter_) phdrs.push_back(segment(PT_INTERP, interp_offset, interp_size));
        phdrs.push_back(segment(PT_LOAD, 0, total));
        phdrs.push_back(segment(PT_DYNAMIC, dynamic_offset, dynamic.size() * sizeof(Elf64_Dyn)));
        std::memcpy(file.data() + sizeof header, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr));
        if (interpreter_) std::memcpy(file.data() + interp_offset, interpreter_->c_str(), interp_size);
        std::memcpy(file.data() + strtab_offset, strings.data(), strings.size());
        std::memcpy(file.data() + dynamic_offset, dynamic.data(), dynamic.size() * sizeof(Elf64_Dyn));
        return file;
    }

    void write(const std::filesystem::path& file) const { write_bytes(file, build(), 0755); }

private:
    static Elf64_Phdr segment(std::uint32_t type, std::uint64_t offset, std::uint64_t size) {
        Elf64_Phdr phdr{};
        phdr.p_type = type;
        phdr.p_flags = PF_R;
        phdr.p_offset = offset;
        phdr.p_vaddr = offset;
        phdr.p_paddr = offset;
        phdr.p_filesz = size;
        phdr.p_memsz = size;
        phdr.p_align = type == PT_LOAD ? 0x1000 : 8;
        return phdr;
    }

    std::optional<std::string> interpreter_;
    std::vector<std::string> needed_;
    std::optional<std::string> runpath_;
    std::optional<std::string> rpath_;
    std::optional<std::string> soname_;
    std::uint16_t machine_ = EM_X86_64;
};

}  // namespace cella::cli::test_support
