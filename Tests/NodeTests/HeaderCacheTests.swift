import Consensus
import Node
import TestSupport
import Testing

@Suite struct HeaderCacheTests {
    /// The median time past kept with each header is BIP 113's: the median of the block's
    /// time and its ten predecessors' (fewer near genesis), computed here from mainnet's own
    /// timestamps for blocks 0–255.
    @Test func medianTimePastMatchesBIP113OnMainnet() throws {
        let chain = try ChainState(store: MemoryStore(), params: .mainnet)
        _ = try BlockImporter.importFiles([Fixture.url("mainnet-blocks-1-255.dat").path], into: chain, now: 1_700_000_000)
        let blocks = try BlockFile.parse(try Fixture.bytes("mainnet-blocks-1-255.dat"), messageStart: ChainParams.mainnet.messageStart)
        let times = ([ChainParams.mainnet.genesisBlock] + blocks).map { Int64($0.header.time) }
        #expect(chain.height == 255)
        for height in 0...255 {
            let window = times[max(0, height - 10)...height].sorted()
            #expect(chain.medianTimePast(atHeight: height) == window[window.count / 2], "height \(height)")
        }
    }

    /// Nodes that share a cache hold one record per block; a node with its own cache is
    /// unaffected, and both validate the same chain.
    @Test func nodesShareOneRecordPerBlock() throws {
        let shared = HeaderCache()
        let miner = try FullNode(name: "miner", store: MemoryStore(), params: .regtest, headers: shared)
        let follower = try FullNode(name: "follower", store: MemoryStore(), params: .regtest, headers: shared)
        let loner = try FullNode(name: "loner", store: MemoryStore(), params: .regtest)
        for step in 0..<5 {
            let block = miner.mineBlock(to: Script([0x51]), now: 1_700_000_000 + Int64(step) * 600).block
            _ = try miner.submitBlock(block, now: 1_700_000_000 + Int64(step) * 600)
            _ = try follower.submitBlock(block, now: 1_700_000_000 + Int64(step) * 600)
            _ = try loner.submitBlock(block, now: 1_700_000_000 + Int64(step) * 600)
        }
        #expect(shared.count == 6)  // genesis and five blocks, once for both nodes
        #expect(follower.chain.tipHash == miner.chain.tipHash)
        #expect(loner.chain.tipHash == miner.chain.tipHash)
        #expect(loner.chain.medianTimePast == miner.chain.medianTimePast)
    }

    /// A chain reopened from a copy of a prepared store with the prepared records as a base
    /// makes no new record, and the base is left as it was.
    @Test func copiesReuseAFrozenBase() throws {
        let store = MemoryStore()
        let prepared = HeaderCache()
        let node = try FullNode(name: "template", store: store, params: .regtest, headers: prepared)
        _ = try node.generate(20, to: Script([0x51]), now: 1_700_000_000)
        try node.chain.flush()
        let snapshot = prepared.snapshot()

        let reused = HeaderCache(base: snapshot)
        let copy = try ChainState(store: store.copy(), params: .regtest, headers: reused)
        #expect(copy.tipHash == node.chain.tipHash)
        #expect(reused.count == 21)
        let block = node.mineBlock(to: Script([0x51]), now: 1_700_100_000).block
        _ = try copy.processBlock(block, now: 1_700_100_000)
        #expect(reused.count == 22)
        #expect(HeaderCache(base: snapshot).count == 21)
    }
}
