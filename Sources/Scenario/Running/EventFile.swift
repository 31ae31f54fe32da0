import Foundation

/// `events.jsonl`, written as the run goes (buffered), so long runs do not hold every event
/// in memory.
final class EventFile {
    private let handle: FileHandle?
    private var buffer = ""

    init(path: String, enabled: Bool) throws {
        guard enabled else {
            handle = nil
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        self.handle = handle
    }

    func append(_ line: String) {
        guard handle != nil else { return }
        buffer += line
        buffer += "\n"
        if buffer.utf8.count > 1 << 20 { flush() }
    }

    func flush() {
        guard let handle, !buffer.isEmpty else { return }
        handle.write(Data(buffer.utf8))
        buffer = ""
    }

    func close() throws {
        flush()
        try handle?.close()
    }
}
