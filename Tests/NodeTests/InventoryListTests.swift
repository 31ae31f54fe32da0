import BitcoinCrypto
import Consensus
import Node
import Testing

@Suite struct InventoryListTests {
    static let items: [InventoryItem] = (1...3).map { InventoryItem.block(BlockHash(SHA256.hash([UInt8($0)]))) }
    static let magic: [UInt8] = [0xfa, 0xbf, 0xb5, 0xda]

    /// However the items are held (one inline, several or none in an array), the list has
    /// them in order and compares by them.
    @Test func listsItsItemsInOrder() {
        for count in 0...3 {
            let expected = Array(Self.items.prefix(count))
            let fromArray = InventoryList(expected)
            let fromLazySequence = InventoryList(expected.lazy.map { $0 })
            #expect(Array(fromArray) == expected)
            #expect(fromArray.count == count)
            #expect(fromArray == fromLazySequence)
            #expect(InventoryList(AnySequence(expected)) == fromArray)  // a sequence, not a collection
            #expect(fromArray.first == expected.first)
            var appended = InventoryList()
            for item in expected { appended.append(item) }
            #expect(Array(appended) == expected)
            #expect(appended == fromArray)
        }
        #expect(InventoryList(Self.items[0]) == [Self.items[0]])
        #expect(InventoryList(Self.items[0]) != [Self.items[1]])
        #expect(InventoryList(Self.items[0]) != InventoryList(Self.items.prefix(2)))
        let hashes = Self.items.map { BlockHash($0.hash) }
        #expect(Array(InventoryList.blocks(hashes)) == Self.items)
        #expect(Array(InventoryList.transactions(hashes.map { Txid($0.hash) })) == Self.items.map { InventoryItem(.witnessTransaction, $0.hash) })
    }

    /// `inv`, `getdata` and `notfound` of one item and of many encode as Bitcoin does (a
    /// CompactSize count, then type and hash per item) and decode to equal lists.
    @Test func oneAndManyItemsRoundTrip() throws {
        for count in [0, 1, 3] {
            let list = InventoryList(Self.items.prefix(count))
            for message in [NetworkMessage.inventory(list), .getData(list), .notFound(list)] {
                let bytes = MessageCodec.encode(message, magic: Self.magic)
                #expect(bytes.count == 24 + 1 + 36 * count)
                #expect(bytes[24] == UInt8(count))
                if count > 0 {
                    #expect(Array(bytes[25..<29]) == [2, 0, 0, 0x40])  // MSG_WITNESS_BLOCK, little-endian
                    #expect(Array(bytes[29..<61]) == Self.items[0].hash.bytes)
                }
                #expect(try MessageCodec.decode(bytes, magic: Self.magic) == message)
            }
        }
    }
}
