#include "image_fingerprint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "atomic_file.h"
#include "sorted_listing.h"
#include "user_error.h"

namespace cella::cli {
namespace {

// Changing what a record holds must change every fingerprint; the version
// in this prefix does that.
constexpr std::string_view kFingerprintPrefix = "cella-image-fingerprint-1\n";

class Sha256 {
public:
    Sha256() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
        if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1)
            throw std::runtime_error("OpenSSL cannot start a SHA-256 digest");
    }
    void update(std::string_view bytes) {
        if (EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()) != 1)
            throw std::runtime_error("OpenSSL SHA-256 update failed");
    }
    std::string hex_digest() {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        if (EVP_DigestFinal_ex(context_.get(), digest, &length) != 1)
            throw std::runtime_error("OpenSSL SHA-256 final failed");
        static constexpr char kHex[] = "0123456789abcdef";
        std::string hex;
        for (unsigned int i = 0; i < length; ++i) {
            hex += kHex[digest[i] >> 4];
            hex += kHex[digest[i] & 15];
        }
        return hex;
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

char type_letter(mode_t mode) {
    if (S_ISDIR(mode)) return 'd';
    if (S_ISREG(mode)) return 'f';
    if (S_ISLNK(mode)) return 'l';
    return '?';
}

// A host folder's fd, closed when it goes.
class FolderFd {
public:
    explicit FolderFd(int fd) : fd_(fd) {}
    FolderFd(const FolderFd&) = delete;
    FolderFd& operator=(const FolderFd&) = delete;
    ~FolderFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

// One record per path; names never hold NUL, so NUL-separated fields
// cannot run into each other. The walk goes folder fd by folder fd, so
// the host resolves one name per entry, not the whole path again (an
// image of 4,000 files took 30 ms of every `cella run`).
void hash_entry(Sha256& hash, int parent_fd, const char* name, const std::string& relative) {
    struct stat status;
    if (::fstatat(parent_fd, name, &status, AT_SYMLINK_NOFOLLOW) != 0)
        throw UserError("cannot read image/" + relative + ": " + std::strerror(errno));
    std::string target;
    if (S_ISLNK(status.st_mode)) {
        std::vector<char> buffer(static_cast<std::size_t>(status.st_size > 0 ? status.st_size : 255) + 1);
        while (true) {
            ssize_t length = ::readlinkat(parent_fd, name, buffer.data(), buffer.size());
            if (length < 0) throw UserError("cannot read symlink image/" + relative + ": " + std::strerror(errno));
            if (static_cast<std::size_t>(length) < buffer.size()) {
                target.assign(buffer.data(), static_cast<std::size_t>(length));
                break;
            }
            buffer.resize(buffer.size() * 2);  // the link grew since the stat
        }
    }
    long long mtime_ns = static_cast<long long>(status.st_mtim.tv_sec) * 1000000000LL + status.st_mtim.tv_nsec;
    std::string record = relative;
    record += '\0';
    record += type_letter(status.st_mode);
    record += '\0' + std::to_string(status.st_mode & 07777);
    // A directory's size is how its file system stores the entries, which
    // a copy (cp -a) does not keep.
    record += '\0' + std::to_string(S_ISDIR(status.st_mode) ? 0LL : static_cast<long long>(status.st_size));
    record += '\0' + std::to_string(mtime_ns);
    record += '\0' + target;
    record += '\n';
    hash.update(record);
    if (!S_ISDIR(status.st_mode)) return;

    FolderFd folder(::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (folder.get() < 0) throw UserError("cannot list image/" + relative + ": " + std::strerror(errno));
    for (const std::string& child : sorted_names_at(folder.get(), "image/" + relative))
        hash_entry(hash, folder.get(), child.c_str(), relative == "." ? child : relative + "/" + child);
}

}  // namespace

std::string compute_image_fingerprint(const std::filesystem::path& image_dir) {
    Sha256 hash;
    hash.update(kFingerprintPrefix);
    hash_entry(hash, AT_FDCWD, image_dir.c_str(), ".");
    return hash.hex_digest();
}

void write_fingerprint_file(const std::filesystem::path& file, const std::string& fingerprint) {
    write_file_atomically(file, fingerprint + "\n");
}

std::optional<std::string> read_fingerprint_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string fingerprint;
    if (!in || !std::getline(in, fingerprint) || fingerprint.empty()) return std::nullopt;
    return fingerprint;
}

ImageState image_state(const Instance& instance) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(instance.image_file(), error)) return ImageState::NotBuilt;
    std::optional<std::string> built = read_fingerprint_file(instance.fingerprint_file());
    if (!built) return ImageState::NotBuilt;
    return *built == compute_image_fingerprint(instance.image_dir()) ? ImageState::Current : ImageState::Stale;
}

ImageHash read_image_hash(const Instance& instance) {
    std::ifstream in(instance.image_hash_file());
    std::string text;
    if (!in || !std::getline(in, text))
        throw UserError(instance.image_hash_file().string() + " is missing (an image built by an older cella); run `cella build`");
    ImageHash hash{};
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    bool ok = text.size() == 2 * hash.size();
    for (std::size_t i = 0; ok && i < hash.size(); ++i) {
        int high = digit(text[2 * i]), low = digit(text[2 * i + 1]);
        ok = high >= 0 && low >= 0;
        hash[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    if (!ok) throw UserError(instance.image_hash_file().string() + " does not hold a SHA-256 in hex; run `cella build`");
    return hash;
}

void require_current_image(const Instance& instance) {
    switch (image_state(instance)) {
    case ImageState::NotBuilt:
        throw UserError("the instance " + instance.root().string() + " has no image yet; run `cella build`");
    case ImageState::Stale: throw UserError("image/ changed since the last build; run `cella build`");
    case ImageState::Current: return;
    }
}

}  // namespace cella::cli
