import Consensus
import Node
import TestSupport
import Testing

@Suite struct PreciousBlockTests {
    /// Core's `preciousblock`: an equal-work competitor becomes the tip; the preference
    /// is not persisted, and the database still reopens.
    @Test func preciousBlockSwitchesBetweenEqualTipsAndSurvivesReopening() throws {
        let store = MemoryStore()
        let a = try FullNode(name: "a", store: store, params: .regtest)
        let b = try FullNode(name: "b", store: MemoryStore(), params: .regtest)
        let now: Int64 = 1_700_000_000
        let first = a.mineBlock(to: Script([0x51]), now: now, tag: [1]).block
        let second = b.mineBlock(to: Script([0x51]), now: now, tag: [2]).block
        _ = try a.submitBlock(first, now: now)
        _ = try a.submitBlock(second, now: now)
        #expect(a.chain.tip.hash == first.hash)  // first seen wins the tie
        let (update, _) = try a.preciousBlock(second.hash, now: now)
        #expect(a.chain.tip.hash == second.hash)
        #expect(update.disconnected.map(\.hash) == [first.hash])
        try a.preciousBlock(first.hash, now: now)
        #expect(a.chain.tip.hash == first.hash)  // the latest call wins
        // A block with less work than the tip is not made precious.
        let third = a.mineBlock(to: Script([0x51]), now: now + 1).block
        _ = try a.submitBlock(third, now: now + 1)
        #expect(try a.preciousBlock(second.hash, now: now).update.isEmpty)
        try a.chain.close()
        store.reopen()
        let reopened = try ChainState(store: store, params: .regtest)
        #expect(reopened.tip.hash == third.hash)
    }
}
