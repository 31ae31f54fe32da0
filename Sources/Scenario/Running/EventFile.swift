import Foundation

/// `events.jsonl`, written as the run goes (buffered), so long runs do not hold every event
/// in memory.
///
/// A failed write (a full disk, a removed directory) does not stop the run: the file stops
/// growing, and ``close()`` reports the first failure so the run ends with an error rather
/// than a silently short log.
final class EventFile {
    private let handle: FileHandle?
    private let path: String
    private var buffer = ""
    /// The first write that failed.
    private var failure: (any Error)?

    /// Creates (or empties) the file at `path`; with `enabled` false, writes nothing.
    convenience init(path: String, enabled: Bool) throws(RunFileError) {
        guard enabled else {
            self.init(handle: nil, path: path)
            return
        }
        // Opened in place (not replaced, as `FileManager.createFile` would): a path that
        // leads elsewhere, such as a link to another disk, is written where it leads.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw RunFileError(path: path, reason: "cannot be created: \(String(cString: strerror(errno)))") }
        self.init(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true), path: path)
    }

    /// Writes to an open handle; `path` names it in errors.
    private init(handle: FileHandle?, path: String) {
        self.handle = handle
        self.path = path
    }

    func append(_ line: String) {
        guard handle != nil else { return }
        buffer += line
        buffer += "\n"
        if buffer.utf8.count > 1 << 20 { flush() }
    }

    func flush() {
        guard let handle, !buffer.isEmpty else { return }
        if failure == nil {
            do { try handle.write(contentsOf: Data(buffer.utf8)) } catch { failure = error }
        }
        buffer = ""
    }

    /// Writes what is buffered and closes the file; throws if any write failed.
    func close() throws(RunFileError) {
        flush()
        do { try handle?.close() } catch { failure = failure ?? error }
        if let failure { throw RunFileError(path: path, reason: "could not be written: \(failure.localizedDescription)") }
    }
}
