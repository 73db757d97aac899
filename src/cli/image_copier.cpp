#include "image_copier.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "rooted_path.h"
#include "user_error.h"

namespace cella::cli {
namespace {

constexpr mode_t kPermissionBits = 07777;

std::string image_display(const PlacedPath& path) { return "image" + path.image; }

// New files are written under this name and renamed into place, so that a
// failed copy never leaves a half-written file behind a good name.
std::filesystem::path temporary_beside(const std::filesystem::path& destination) {
    return destination.parent_path() / (".cella-tmp-" + std::to_string(::getpid()));
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

// Copies [offset, offset + length): copy_file_range lets the kernel (or a
// reflinking file system) do the work; pread/pwrite is the fallback where
// it cannot.
bool copy_range(int from, int to, off_t offset, off_t length) {
    loff_t in = offset, out = offset;
    off_t end = offset + length;
    bool fallback = false;
    while (in < end && !fallback) {
        ssize_t copied = ::copy_file_range(from, &in, to, &out, static_cast<std::size_t>(end - in), 0);
        if (copied > 0) continue;
        if (copied == 0) return in == end;  // the file shrank meanwhile
        if (errno == EINTR) continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL) return false;
        fallback = true;
    }
    char buffer[1 << 16];
    while (in < end) {
        std::size_t want = static_cast<std::size_t>(std::min<off_t>(end - in, sizeof buffer));
        ssize_t count = ::pread(from, buffer, want, in);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return false;
        for (ssize_t written = 0; written < count;) {
            ssize_t done = ::pwrite(to, buffer + written, static_cast<std::size_t>(count - written), in + written);
            if (done < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            written += done;
        }
        in += count;
    }
    return true;
}

// Copies only the data of a sparse file (SEEK_DATA/SEEK_HOLE) and sets the
// size, so its holes stay holes in image/.
bool copy_contents(int from, int to, off_t size) {
    off_t at = 0;
    while (at < size) {
        off_t data = ::lseek(from, at, SEEK_DATA);
        if (data < 0) {
            if (errno == ENXIO) break;  // only a hole is left
            if (!copy_range(from, to, at, size - at)) return false;  // no hole support: all of it
            break;
        }
        off_t hole = ::lseek(from, data, SEEK_HOLE);
        if (hole < 0 || hole > size) hole = size;
        if (!copy_range(from, to, data, hole - data)) return false;
        at = hole;
    }
    return ::ftruncate(to, size) == 0;
}

bool same_mtime(const struct stat& a, const struct stat& b) {
    return a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

std::string read_link_text(const std::filesystem::path& link) {
    std::error_code error;
    std::string target = std::filesystem::read_symlink(link, error).string();
    if (error) throw UserError("cannot read symlink " + link.string() + ": " + error.message());
    return target;
}

void place_symlink(const std::string& target, const std::filesystem::path& destination, const std::string& shown) {
    std::filesystem::path temporary = temporary_beside(destination);
    ::unlink(temporary.c_str());
    if (::symlink(target.c_str(), temporary.c_str()) != 0 || ::rename(temporary.c_str(), destination.c_str()) != 0) {
        int saved_errno = errno;
        ::unlink(temporary.c_str());
        throw UserError("cannot create symlink " + shown + ": " + std::strerror(saved_errno));
    }
}

}  // namespace

ImageCopier::ImageCopier(std::filesystem::path host_root, std::filesystem::path image_dir)
    : host_root_(std::move(host_root)), image_dir_(std::move(image_dir)) {}

std::filesystem::path ImageCopier::destination_of(const std::string& image_path) {
    std::string name = logical_name(image_path);
    if (name.empty()) return image_dir_;
    return make_directories_in_root(image_dir_, logical_parent(image_path)) / name;
}

CopyOutcome ImageCopier::copy(const PlacedPath& path) {
    std::filesystem::path source = resolve_in_root(host_root_, path.host, false);
    struct stat status;
    if (::lstat(source.c_str(), &status) != 0)
        throw UserError("cannot read " + path.host + ": " + std::strerror(errno));
    std::filesystem::path destination = destination_of(path.image);
    if (S_ISDIR(status.st_mode)) return copy_folder(status.st_mode, destination, path);
    if (S_ISREG(status.st_mode)) return copy_file(source, status, destination, path);
    if (S_ISLNK(status.st_mode)) return copy_symlink(read_link_text(source), destination, path);
    throw UserError(path.host + " is not a regular file, folder or symlink; it cannot go into an image");
}

CopyOutcome ImageCopier::copy_file(const std::filesystem::path& source, const struct stat& status,
                                   const std::filesystem::path& destination, const PlacedPath& path) {
    struct stat existing;
    if (::lstat(destination.c_str(), &existing) == 0) {
        if (S_ISDIR(existing.st_mode))
            throw UserError("cannot copy " + path.host + " to " + image_display(path) + ": a folder is in the way");
        if (S_ISREG(existing.st_mode) && existing.st_size == status.st_size && same_mtime(existing, status)) {
            if ((existing.st_mode & kPermissionBits) != (status.st_mode & kPermissionBits))
                ::chmod(destination.c_str(), status.st_mode & kPermissionBits);
            return CopyOutcome::Unchanged;
        }
    }
    auto fail = [&](const std::filesystem::path& temporary) {
        int saved_errno = errno;
        if (!temporary.empty()) ::unlink(temporary.c_str());
        throw UserError("cannot copy " + path.host + " to " + image_display(path) + ": " + std::strerror(saved_errno));
    };
    FileDescriptor in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) fail({});
    std::filesystem::path temporary = temporary_beside(destination);
    ::unlink(temporary.c_str());
    FileDescriptor out(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0) fail({});
    const struct timespec times[2] = {status.st_atim, status.st_mtim};
    if (!copy_contents(in.get(), out.get(), status.st_size) || ::fchmod(out.get(), status.st_mode & kPermissionBits) != 0 ||
        ::futimens(out.get(), times) != 0 || ::close(out.release()) != 0 ||
        ::rename(temporary.c_str(), destination.c_str()) != 0)
        fail(temporary);
    return CopyOutcome::Copied;
}

CopyOutcome ImageCopier::copy_symlink(const std::string& target, const std::filesystem::path& destination,
                                      const PlacedPath& path) {
    struct stat existing;
    if (::lstat(destination.c_str(), &existing) == 0) {
        if (S_ISLNK(existing.st_mode) && read_link_text(destination) == target) return CopyOutcome::Unchanged;
        if (S_ISDIR(existing.st_mode))
            throw UserError(path.host + " is a symlink to " + target + ", but " + image_display(path) +
                            " is a folder, which a symlink cannot replace; add the folder it points to with "
                            "`cella add " +
                            logical_join(logical_parent(path.host), target) + " --to " + logical_parent(path.image) +
                            "`");
    }
    place_symlink(target, destination, image_display(path));
    return CopyOutcome::Copied;
}

CopyOutcome ImageCopier::copy_folder(mode_t mode, const std::filesystem::path& destination, const PlacedPath& path) {
    // The owner keeps rwx so that later copies can write into the folder;
    // inside the enclave everything belongs to root, who needs no bits.
    mode_t wanted = (mode & kPermissionBits) | S_IRWXU;
    struct stat existing;
    if (::lstat(destination.c_str(), &existing) == 0) {
        if (!S_ISDIR(existing.st_mode))
            throw UserError("cannot copy the folder " + path.host + " to " + image_display(path) +
                            ": something that is not a folder is in the way");
        if ((existing.st_mode & kPermissionBits) == wanted) return CopyOutcome::Unchanged;
        if (::chmod(destination.c_str(), wanted) != 0)
            throw UserError("cannot change the mode of " + image_display(path) + ": " + std::strerror(errno));
        return CopyOutcome::Copied;
    }
    if (::mkdir(destination.c_str(), wanted) != 0 || ::chmod(destination.c_str(), wanted) != 0)
        throw UserError("cannot create folder " + image_display(path) + ": " + std::strerror(errno));
    return CopyOutcome::Copied;
}

CopyOutcome ImageCopier::add_link(const LibraryLink& link) {
    std::filesystem::path destination = destination_of(link.image);
    struct stat existing;
    if (::lstat(destination.c_str(), &existing) == 0) {
        if (!S_ISLNK(existing.st_mode) || read_link_text(destination) == link.target) return CopyOutcome::Unchanged;
    }
    place_symlink(link.target, destination, "image" + link.image);
    return CopyOutcome::Copied;
}

}  // namespace cella::cli
