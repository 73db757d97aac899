#include "cmd_new.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "atomic_file.h"
#include "commands.h"
#include "config.h"
#include "user_error.h"

namespace cella::cli {
namespace {

struct SkeletonFolder {
    const char* name;
    mode_t mode;
};
// /tmp is world-writable and sticky, /root private, as on any Linux system.
constexpr SkeletonFolder kSkeletonFolders[] = {{"bin", 0755},   {"etc", 0755},  {"lib", 0755},
                                               {"lib64", 0755}, {"root", 0700}, {"tmp", 01777}};

struct SkeletonFile {
    const char* path;
    const char* content;
};
constexpr SkeletonFile kSkeletonFiles[] = {
    {"etc/hostname", "cella\n"},
    {"etc/passwd",
     "root:x:0:0:root:/root:/bin/sh\n"
     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"},
    {"etc/group", "root:x:0:\nnogroup:x:65534:\n"},
    // glibc resolves "localhost" through /etc/hosts; without it a program
    // connecting to localhost would ask a DNS server. The enclave's own
    // name resolves as Debian's installer writes it (127.0.1.1), so that
    // gethostbyname(gethostname()) works as on any Debian system.
    {"etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\tcella\n::1\tlocalhost ip6-localhost ip6-loopback\n"},
    // Names from files first, then DNS, as Debian's default.
    {"etc/nsswitch.conf",
     "passwd:    files\ngroup:     files\nshadow:    files\nhosts:     files dns\nnetworks:  files\n"
     "protocols: files\nservices:  files\nethers:    files\nrpc:       files\n"},
};

// The network databases getaddrinfo, getservbyname and getprotobyname
// read, copied from the host when it has them (Debian's netbase and the
// host's resolver); the fallbacks keep the names programs use most.
struct HostCopy {
    const char* path;
    const char* fallback;
};
constexpr HostCopy kHostCopies[] = {
    {"etc/services",
     "ftp\t\t21/tcp\nssh\t\t22/tcp\nsmtp\t\t25/tcp\ndomain\t\t53/tcp\ndomain\t\t53/udp\nhttp\t\t80/tcp\n"
     "https\t\t443/tcp\nmysql\t\t3306/tcp\npostgresql\t5432/tcp\nredis\t\t6379/tcp\n"},
    {"etc/protocols", "ip\t0\tIP\nicmp\t1\tICMP\ntcp\t6\tTCP\nudp\t17\tUDP\nipv6\t41\tIPv6\nipv6-icmp\t58\tIPv6-ICMP\n"},
    {"etc/resolv.conf", "nameserver 127.0.0.1\n"},
};

std::string host_copy_of(const HostCopy& copy) {
    std::ifstream in(std::filesystem::path("/") / copy.path, std::ios::binary);
    std::ostringstream text;
    if (in && (text << in.rdbuf()) && !text.str().empty()) return text.str();
    return copy.fallback;
}

void make_folder(const std::filesystem::path& folder, mode_t mode) {
    // chmod after mkdir: mkdir's mode passes through the umask, which would
    // strip /tmp's 1777.
    if (::mkdir(folder.c_str(), mode) != 0 || ::chmod(folder.c_str(), mode) != 0)
        throw UserError("cannot create folder " + folder.string() + ": " + std::strerror(errno));
}

void check_destination(const std::filesystem::path& dir) {
    std::error_code error;
    auto status = std::filesystem::symlink_status(dir, error);
    if (status.type() == std::filesystem::file_type::not_found) return;
    if (error) throw UserError("cannot use " + dir.string() + ": " + error.message());
    if (!std::filesystem::is_directory(dir, error))
        throw UserError("cannot create an instance at " + dir.string() + ": it exists and is not a folder");
    if (!std::filesystem::is_empty(dir, error) || error)
        throw UserError("cannot create an instance in " + dir.string() + ": the folder is not empty");
}

}  // namespace

Instance create_instance(const std::filesystem::path& dir, std::ostream& out) {
    if (dir.empty()) throw UserError("cella new needs the folder to create");
    check_destination(dir);
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) throw UserError("cannot create folder " + dir.string() + ": " + error.message());

    write_file_atomically(dir / "cella.json", default_config_text());
    std::filesystem::path image = dir / "image";
    make_folder(image, 0755);
    std::string folder_list;
    for (const SkeletonFolder& folder : kSkeletonFolders) {
        make_folder(image / folder.name, folder.mode);
        folder_list += std::string(folder_list.empty() ? "" : " ") + folder.name;
    }
    for (const SkeletonFile& file : kSkeletonFiles) write_file_atomically(image / file.path, file.content);
    for (const HostCopy& copy : kHostCopies) write_file_atomically(image / copy.path, host_copy_of(copy));

    Instance instance = Instance::open(dir);
    out << "created instance " << instance.root().string() << "\n"
        << "  cella.json  configuration with the defaults (reference: docs/CONFIG.md)\n"
        << "  image/      the root file system: " << folder_list << ", and etc/{hostname,passwd,group,hosts,nsswitch.conf,services,protocols,resolv.conf}\n"
        << "next: cella add -C " << dir.string() << " PROGRAM...   then   cella build -C " << dir.string() << "\n";
    return instance;
}

void register_new_command(CLI::App& app, int& /*exit_code*/) {
    CLI::App* command = app.add_subcommand("new", "Create an instance folder: cella.json and an image/ tree");
    auto dir = std::make_shared<std::string>();
    command->add_option("DIR", *dir, "Folder to create (it may exist if it is empty)")->required();
    command->callback([dir] { create_instance(*dir, std::cout); });
}

}  // namespace cella::cli
