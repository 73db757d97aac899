#include "dependency_resolver.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <set>
#include <span>

#include "elf/elf_file.h"
#include "library_search_config.h"
#include "rooted_path.h"
#include "user_error.h"

namespace cella::cli {

struct DependencyResolver::ElfSummary {
    bool is_elf = false;  // starts with \x7fELF
    elf::ElfError error = elf::ElfError::None;
    std::optional<std::string> interpreter;
    std::vector<std::string> needed;
    std::optional<std::string> runpath;
    std::optional<std::string> rpath;
    std::optional<std::string> soname;

    bool usable() const { return is_elf && error == elf::ElfError::None; }
};

namespace {

// Where Debian's glibc ld.so looks when nothing else names the library
// (its "system search path"); /lib64 is searched by the host only because
// ldconfig caches it.
constexpr std::string_view kGlibcSystemFolders[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib",
                                                    "/usr/lib"};
constexpr std::string_view kGlibcDefaultFolders[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
                                                     "/lib", "/usr/lib"};
constexpr std::string_view kMuslBuiltinFolders[] = {"/lib", "/usr/local/lib", "/usr/lib"};

// What Debian's x86-64 ld.so substitutes for $LIB and $PLATFORM (checked
// with LD_DEBUG=libs on Debian 12).
constexpr std::string_view kDstLib = "lib/x86_64-linux-gnu";
constexpr std::string_view kDstPlatform = "x86_64";

constexpr int kMaxSymlinkHops = 40;

// glibc's libc.so.6 dlopens libgcc_s.so.1 to unwind a thread in
// pthread_exit and pthread_cancel; without it those calls abort.
constexpr std::string_view kGlibcLibc = "libc.so.6";
constexpr std::string_view kGlibcUnwinder = "libgcc_s.so.1";

enum class LoaderFlavor { Glibc, Musl };

bool is_musl_loader(std::string_view interpreter) { return logical_name(interpreter).starts_with("ld-musl-"); }

// musl's loader is also its libc, and answers for these names itself
// (the "reserved" list of musl's ldso/dynlink.c).
bool musl_provides_itself(std::string_view name) {
    constexpr std::string_view kReserved[] = {"c", "pthread", "rt", "m", "dl", "util", "xnet"};
    if (!name.starts_with("lib")) return false;
    std::string_view rest = name.substr(3);
    for (std::string_view reserved : kReserved)
        if (rest.starts_with(reserved) && rest.size() > reserved.size() && rest[reserved.size()] == '.') return true;
    return false;
}

std::vector<std::string> split_search_path(std::string_view text) {
    std::vector<std::string> entries;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(':', start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) entries.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return entries;
}

std::string file_type_name(mode_t mode) {
    if (S_ISFIFO(mode)) return "a fifo";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "a special file";
}

// A read-only view of a whole file; pages the ELF reader never touches are
// never read from disk.
class MappedFile {
public:
    explicit MappedFile(const std::filesystem::path& file) {
        int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw UserError("cannot read " + file.string() + ": " + std::strerror(errno));
        struct stat status;
        if (::fstat(fd, &status) == 0 && status.st_size > 0) {
            size_ = static_cast<std::size_t>(status.st_size);
            void* bytes = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
            data_ = bytes == MAP_FAILED ? nullptr : static_cast<const std::uint8_t*>(bytes);
        }
        int saved_errno = errno;
        ::close(fd);
        if (size_ != 0 && !data_) throw UserError("cannot read " + file.string() + ": " + std::strerror(saved_errno));
    }
    ~MappedFile() {
        if (data_) ::munmap(const_cast<std::uint8_t*>(data_), size_);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    std::span<const std::uint8_t> bytes() const { return {data_, data_ ? size_ : 0}; }

private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

bool starts_with_elf_magic(const std::filesystem::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw UserError("cannot read " + file.string() + ": " + std::strerror(errno));
    char magic[SELFMAG];
    ssize_t count = ::pread(fd, magic, sizeof magic, 0);
    ::close(fd);
    return count == SELFMAG && std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

// The token at the start of `text` ("$NAME" or "${NAME}"), its length.
std::optional<std::size_t> match_token(std::string_view text, std::string_view name) {
    if (text.starts_with("${") && text.substr(2).starts_with(name) && text.size() > 2 + name.size() &&
        text[2 + name.size()] == '}')
        return 3 + name.size();
    if (text.starts_with("$") && text.substr(1).starts_with(name)) {
        // ld.so takes "$ORIGINAL" for a token named ORIGINAL, not $ORIGIN + "AL".
        std::size_t end = 1 + name.size();
        if (end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
            return end;
    }
    return std::nullopt;
}

}  // namespace

std::string expand_dynamic_string_tokens(std::string_view entry, std::string_view origin) {
    const std::pair<std::string_view, std::string_view> tokens[] = {
        {"ORIGIN", origin}, {"LIB", kDstLib}, {"PLATFORM", kDstPlatform}};
    std::string expanded;
    std::size_t position = 0;
    while (position < entry.size()) {
        if (entry[position] == '$') {
            bool replaced = false;
            for (const auto& [name, value] : tokens) {
                if (auto length = match_token(entry.substr(position), name)) {
                    expanded += value;
                    position += *length;
                    replaced = true;
                    break;
                }
            }
            if (replaced) continue;
        }
        expanded += entry[position++];
    }
    return expanded;
}

DependencyResolver::DependencyResolver(std::filesystem::path root)
    : root_(std::move(root)),
      ld_so_conf_folders_(read_ld_so_conf(root_)),
      musl_path_folders_(read_musl_path_file(root_)) {}

DependencyResolver::~DependencyResolver() = default;

const DependencyResolver::ElfSummary& DependencyResolver::summarize_elf(const std::filesystem::path& host_file) {
    auto& slot = elf_cache_[host_file.string()];
    if (slot) return *slot;
    auto summary = std::make_unique<ElfSummary>();
    summary->is_elf = starts_with_elf_magic(host_file);
    if (summary->is_elf) {
        MappedFile file(host_file);
        elf::ElfFile parsed;
        summary->error = elf::ElfFile::parse(file.bytes(), parsed);
        elf::ElfFile::DynamicInfo dynamic;
        if (summary->error == elf::ElfError::None) summary->error = parsed.dynamic_info(dynamic);
        if (summary->error == elf::ElfError::None) {
            if (auto interpreter = parsed.interpreter()) summary->interpreter = std::string(*interpreter);
            for (std::size_t i = 0; i < dynamic.needed_count; ++i) summary->needed.emplace_back(dynamic.needed[i]);
            if (dynamic.runpath) summary->runpath = std::string(*dynamic.runpath);
            if (dynamic.rpath) summary->rpath = std::string(*dynamic.rpath);
            if (dynamic.soname) summary->soname = std::string(*dynamic.soname);
        }
    }
    slot = std::move(summary);
    return *slot;
}

// One resolve() call: the closure being built and the queue of ELF objects
// whose needs are still to be found.
class ClosureBuilder {
public:
    explicit ClosureBuilder(DependencyResolver& resolver) : resolver_(resolver) {}

    Closure build(const PlacedPath& item) {
        std::optional<PlacedPath> end = place_chain(item, closure_.item, Reached::AsItem);
        if (!end) {
            struct stat status;
            if (::lstat(host_path(item.host, false).c_str(), &status) != 0)
                throw UserError("no such file: " + item.host);
            closure_.warnings.push_back(item.host + " is a symlink that leads nowhere; copied the link only");
        }
        while (!queue_.empty()) {
            LoadedObject object = std::move(queue_.front());
            queue_.pop_front();
            load_needs(object);
        }
        return std::move(closure_);
    }

private:
    using ElfSummary = DependencyResolver::ElfSummary;

    // How a path came into the closure: as the item or a target of its
    // symlinks, inside a folder the item copies whole, or as a dependency.
    // Folders hold all sorts of files, so there a malformed ELF file earns
    // a warning only, and a library the tree itself holds counts as found.
    enum class Reached { AsItem, InFolder, AsDependency };

    enum class FoundThrough { Rpath, Runpath, Configured, Default };

    // The names a process's loader has already loaded: ld.so matches a
    // DT_NEEDED name against them before it searches any folder.
    struct Process {
        LoaderFlavor flavor;
        bool started_in_folder;
        std::map<std::string, PlacedPath> loaded;
    };

    struct LoadedObject {
        PlacedPath file;
        PlacedPath origin;  // the folder $ORIGIN stands for
        const ElfSummary* elf;
        Process* process;
        // DT_RPATH folders of the objects that loaded this one, nearest first
        // (glibc searches them after the object's own DT_RPATH).
        std::vector<PlacedPath> inherited_rpath;
    };

    struct SearchFolder {
        PlacedPath folder;
        FoundThrough through;
    };

    std::filesystem::path host_path(std::string_view logical, bool follow_last) const {
        return resolve_in_root(resolver_.root(), logical, follow_last);
    }

    void place(const PlacedPath& path, std::vector<PlacedPath>& into) {
        if (placed_.insert(path).second) into.push_back(path);
    }

    // Adds `path` and, while it is a symlink, its target (a relative target
    // taken from the link's folder, on the host and in the image alike),
    // except for links inside a folder being added, which stay links.
    // Folders are added whole, ELF files queued for their needs. Returns the
    // file or folder the chain ends at; nothing when it dangles.
    std::optional<PlacedPath> place_chain(PlacedPath path, std::vector<PlacedPath>& into, Reached reached) {
        for (int hop = 0; hop <= kMaxSymlinkHops; ++hop) {
            std::filesystem::path host = host_path(path.host, false);
            struct stat status;
            if (::lstat(host.c_str(), &status) != 0) return std::nullopt;
            bool is_new = !placed_.contains(path);
            if (!S_ISLNK(status.st_mode) && !S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode))
                throw UserError(path.host + " is " + file_type_name(status.st_mode) +
                                "; only regular files, folders and symlinks can go into an image");
            place(path, into);
            // A link inside a folder is copied as the link it is: what it
            // points to is the host's (a link to /etc must not bring the
            // host's /etc into the image).
            if (S_ISLNK(status.st_mode) && reached == Reached::InFolder) return path;
            if (S_ISDIR(status.st_mode)) {
                if (is_new) place_folder_contents(path, into, reached);
                return path;
            }
            if (S_ISREG(status.st_mode)) {
                if (reached != Reached::AsDependency) scan_program(path, reached);
                return path;
            }
            std::error_code error;
            std::string target = std::filesystem::read_symlink(host, error).string();
            if (error) throw UserError("cannot read symlink " + path.host + ": " + error.message());
            if (!target.empty() && target[0] == '/')
                path = {normalize_logical(target), normalize_logical(target)};
            else
                path = {logical_join(logical_parent(path.host), target),
                        logical_join(logical_parent(path.image), target)};
        }
        closure_.warnings.push_back("symlinks loop at " + path.host + "; copied the links only");
        return std::nullopt;
    }

    void place_folder_contents(const PlacedPath& folder, std::vector<PlacedPath>& into, Reached reached) {
        std::filesystem::path host = host_path(folder.host, true);
        std::error_code error;
        std::vector<std::string> names;
        for (std::filesystem::directory_iterator it(host, error), end; !error && it != end; it.increment(error))
            names.push_back(it->path().filename().string());
        if (error) throw UserError("cannot list folder " + folder.host + ": " + error.message());
        std::sort(names.begin(), names.end());
        Reached inside = reached == Reached::AsItem ? Reached::InFolder : reached;
        for (const std::string& name : names)
            place_chain({logical_join(folder.host, name), logical_join(folder.image, name)}, into, inside);
    }

    // A regular file of the item: if it is a program or library, a new
    // process (its own loader and loaded names) starts from it.
    void scan_program(const PlacedPath& file, Reached reached) {
        if (scanned_.contains(file)) return;
        const ElfSummary& elf = resolver_.summarize_elf(host_path(file.host, true));
        if (!elf.is_elf) return;
        if (elf.error != elf::ElfError::None) {
            // Another machine's program or an object file is data to us: it
            // is copied, but nothing it might load is looked for.
            bool is_data = elf.error == elf::ElfError::NotX86_64 || elf.error == elf::ElfError::BadType;
            if (!is_data && reached == Reached::AsItem) throw UserError(file.host + ": " + elf::describe(elf.error));
            if (!is_data || reached == Reached::AsItem)
                closure_.warnings.push_back(
                    file.host + " was copied without looking for its libraries: " + elf::describe(elf.error));
            return;
        }
        scanned_.insert(file);
        LoaderFlavor flavor = LoaderFlavor::Glibc;
        if (elf.interpreter ? is_musl_loader(*elf.interpreter)
                            : std::find(elf.needed.begin(), elf.needed.end(), "libc.so") != elf.needed.end())
            flavor = LoaderFlavor::Musl;
        processes_.push_back(std::make_unique<Process>(Process{flavor, reached == Reached::InFolder, {}}));
        Process* process = processes_.back().get();
        if (elf.soname) process->loaded[*elf.soname] = file;
        if (elf.interpreter) place_interpreter(*elf.interpreter, file, *process);
        if (flavor == LoaderFlavor::Musl) place_musl_path_file();
        queue_.push_back({file, {logical_parent(file.host), logical_parent(file.image)}, &elf, process, {}});
    }

    void place_interpreter(const std::string& interpreter, const PlacedPath& program, Process& process) {
        if (interpreter.empty() || interpreter[0] != '/')
            throw UserError(program.host + " names a dynamic loader with a relative path: " + interpreter);
        PlacedPath path{normalize_logical(interpreter), normalize_logical(interpreter)};
        std::optional<PlacedPath> end = place_chain(path, closure_.dependencies, Reached::AsDependency);
        if (!end)
            throw UserError("the dynamic loader " + interpreter + " that " + program.host + " needs does not exist");
        const ElfSummary& elf = require_usable_elf(*end, "the dynamic loader of " + program.host);
        process.loaded[interpreter] = *end;
        process.loaded[logical_name(interpreter)] = *end;
        if (elf.soname) process.loaded[*elf.soname] = *end;
        enqueue_dependency(*end, {logical_parent(end->host), logical_parent(end->image)}, elf, process, {});
    }

    void place_musl_path_file() {
        if (!resolver_.musl_path_folders_ || musl_path_file_placed_) return;
        musl_path_file_placed_ = true;
        PlacedPath file{std::string(kMuslPathFile), std::string(kMuslPathFile)};
        place_chain(file, closure_.dependencies, Reached::AsDependency);
    }

    const ElfSummary& require_usable_elf(const PlacedPath& file, const std::string& role) {
        const ElfSummary& elf = resolver_.summarize_elf(host_path(file.host, true));
        if (!elf.is_elf) throw UserError(file.host + " (" + role + ") is not an ELF file");
        if (elf.error != elf::ElfError::None)
            throw UserError(file.host + " (" + role + "): " + elf::describe(elf.error));
        return elf;
    }

    void enqueue_dependency(const PlacedPath& file, const PlacedPath& origin, const ElfSummary& elf, Process& process,
                            std::vector<PlacedPath> inherited_rpath) {
        if (!scanned_.insert(file).second) return;
        queue_.push_back({file, origin, &elf, &process, std::move(inherited_rpath)});
    }

    // The folders of a DT_RUNPATH or DT_RPATH value, $ORIGIN taken as the
    // object's folder on the host and in the image. Relative entries depend
    // on the working folder at run time and are skipped.
    static std::vector<PlacedPath> expand_search_path(const std::optional<std::string>& value,
                                                      const PlacedPath& origin) {
        std::vector<PlacedPath> folders;
        if (!value) return folders;
        for (const std::string& entry : split_search_path(*value)) {
            std::string host = expand_dynamic_string_tokens(entry, origin.host);
            std::string image = expand_dynamic_string_tokens(entry, origin.image);
            if (host.empty() || host[0] != '/' || image.empty() || image[0] != '/') continue;
            folders.push_back({normalize_logical(host), normalize_logical(image)});
        }
        return folders;
    }

    // The object's own DT_RPATH as its loader uses it: glibc ignores it when
    // DT_RUNPATH is present; musl takes DT_RUNPATH and DT_RPATH alike.
    static std::vector<PlacedPath> own_rpath(const LoadedObject& object) {
        const ElfSummary& elf = *object.elf;
        if (object.process->flavor == LoaderFlavor::Musl)
            return expand_search_path(elf.runpath ? elf.runpath : elf.rpath, object.origin);
        return elf.runpath ? std::vector<PlacedPath>{} : expand_search_path(elf.rpath, object.origin);
    }

    std::vector<SearchFolder> search_folders(const LoadedObject& object) const {
        std::vector<SearchFolder> folders;
        auto add_all = [&](const std::vector<PlacedPath>& list, FoundThrough through) {
            for (const PlacedPath& folder : list) folders.push_back({folder, through});
        };
        auto add_same = [&](auto&& list, FoundThrough through) {
            for (const auto& folder : list) folders.push_back({{std::string(folder), std::string(folder)}, through});
        };
        const ElfSummary& elf = *object.elf;
        if (object.process->flavor == LoaderFlavor::Musl) {
            add_all(own_rpath(object), FoundThrough::Rpath);
            add_all(object.inherited_rpath, FoundThrough::Rpath);
            if (resolver_.musl_path_folders_)
                add_same(*resolver_.musl_path_folders_, FoundThrough::Default);
            else
                add_same(kMuslBuiltinFolders, FoundThrough::Default);
            return folders;
        }
        if (!elf.runpath) {
            add_all(own_rpath(object), FoundThrough::Rpath);
            add_all(object.inherited_rpath, FoundThrough::Rpath);
        }
        add_all(expand_search_path(elf.runpath, object.origin), FoundThrough::Runpath);
        add_same(resolver_.ld_so_conf_folders_, FoundThrough::Configured);
        add_same(kGlibcDefaultFolders, FoundThrough::Default);
        return folders;
    }

    struct Found {
        PlacedPath path;
        PlacedPath folder;
        FoundThrough through;
    };

    std::optional<Found> search(const std::string& name, const LoadedObject& object,
                                const std::vector<SearchFolder>& folders) {
        for (const SearchFolder& folder : folders) {
            PlacedPath candidate{logical_join(folder.folder.host, name), logical_join(folder.folder.image, name)};
            std::filesystem::path host = host_path(candidate.host, true);
            struct stat status;
            if (::stat(host.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) continue;
            const ElfSummary& elf = resolver_.summarize_elf(host);
            // Like ld.so, pass over files built for another machine (a
            // 32-bit library in a shared folder) and keep searching.
            if (!elf.is_elf || elf.error == elf::ElfError::NotX86_64 || elf.error == elf::ElfError::TooShort) continue;
            if (elf.error != elf::ElfError::None)
                throw UserError(candidate.host + " (the " + name + " that " + object.file.host +
                                " needs): " + elf::describe(elf.error));
            return Found{candidate, folder.folder, folder.through};
        }
        return std::nullopt;
    }

    static bool is_glibc_system_folder(std::string_view folder) {
        return std::find(std::begin(kGlibcSystemFolders), std::end(kGlibcSystemFolders), folder) !=
               std::end(kGlibcSystemFolders);
    }

    void load_needs(const LoadedObject& object) {
        Process& process = *object.process;
        std::vector<std::pair<std::string, bool>> needs;  // name, required
        for (const std::string& name : object.elf->needed) needs.emplace_back(name, true);
        if (process.flavor == LoaderFlavor::Glibc &&
            (object.elf->soname == kGlibcLibc || logical_name(object.file.host) == kGlibcLibc))
            needs.emplace_back(kGlibcUnwinder, false);

        std::vector<PlacedPath> child_rpath = own_rpath(object);
        child_rpath.insert(child_rpath.end(), object.inherited_rpath.begin(), object.inherited_rpath.end());
        std::vector<SearchFolder> folders = search_folders(object);

        for (const auto& [name, required] : needs) {
            if (process.flavor == LoaderFlavor::Musl && musl_provides_itself(name)) continue;
            if (process.loaded.contains(name)) continue;
            std::optional<Found> found =
                name.find('/') != std::string::npos ? place_path_need(name, object) : search(name, object, folders);
            if (!found && process.started_in_folder && item_holds_library(name)) continue;
            if (!found) {
                if (!required) {
                    closure_.warnings.push_back("cannot find " + name + ", which " + object.file.host +
                                                " loads at run time; pthread_exit and thread cancellation will fail");
                    continue;
                }
                throw UserError("cannot find library " + name + " needed by " + object.file.host + " (searched " +
                                describe_folders(folders) + ")");
            }
            std::optional<PlacedPath> end = place_chain(found->path, closure_.dependencies, Reached::AsDependency);
            if (!end) throw UserError("cannot read library " + found->path.host + " needed by " + object.file.host);
            const ElfSummary& elf = require_usable_elf(*end, "needed by " + object.file.host);
            process.loaded[name] = *end;
            if (elf.soname) process.loaded[*elf.soname] = *end;
            if (process.flavor == LoaderFlavor::Glibc &&
                (found->through == FoundThrough::Configured || found->through == FoundThrough::Default) &&
                !is_glibc_system_folder(found->folder.host))
                add_library_link(name, found->path.image);
            enqueue_dependency(*end, found->folder, elf, process, child_rpath);
        }
    }

    // A plugin in a copied folder often needs a library of the same tree
    // that only the main program's RUNPATH finds; by the time the plugin is
    // loaded, the loader has that library and matches it by name.
    bool item_holds_library(const std::string& name) const {
        return std::any_of(closure_.item.begin(), closure_.item.end(),
                           [&](const PlacedPath& path) { return logical_name(path.host) == name; });
    }

    std::optional<Found> place_path_need(const std::string& name, const LoadedObject& object) const {
        if (name[0] != '/')
            throw UserError(object.file.host + " needs " + name +
                            ", a path relative to the working folder, which cella cannot follow");
        PlacedPath path{normalize_logical(name), normalize_logical(name)};
        struct stat status;
        if (::stat(host_path(path.host, true).c_str(), &status) != 0) return std::nullopt;
        return Found{path, {logical_parent(path.host), logical_parent(path.image)}, FoundThrough::Rpath};
    }

    void add_library_link(const std::string& name, const std::string& target) {
        std::string link = logical_join(kImageLibraryLinkFolder, name);
        if (link == target) return;
        for (const LibraryLink& existing : closure_.library_links)
            if (existing.image == link) return;
        closure_.library_links.push_back({link, target});
    }

    static std::string describe_folders(const std::vector<SearchFolder>& folders) {
        std::vector<std::string> shown;
        for (const SearchFolder& folder : folders)
            if (std::find(shown.begin(), shown.end(), folder.folder.host) == shown.end())
                shown.push_back(folder.folder.host);
        std::string text;
        for (const std::string& folder : shown) text += (text.empty() ? "" : ":") + folder;
        return text;
    }

    DependencyResolver& resolver_;
    Closure closure_;
    std::set<PlacedPath> placed_;
    std::set<PlacedPath> scanned_;
    std::deque<LoadedObject> queue_;
    std::vector<std::unique_ptr<Process>> processes_;
    bool musl_path_file_placed_ = false;
};

Closure DependencyResolver::resolve(const PlacedPath& item) { return ClosureBuilder(*this).build(item); }

}  // namespace cella::cli
