import BitcoinCrypto
import Consensus
import Testing

@Suite struct ChainParamsTests {
    @Test func genesisBlocksHashToTheKnownValues() {
        #expect(ChainParams.regtest.genesisHash.description == "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")
        #expect(ChainParams.mainnet.genesisHash.description == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        for params in [ChainParams.regtest, .mainnet] {
            let genesis = params.genesisBlock
            #expect(genesis.computedMerkleRoot == genesis.header.merkleRoot)
            #expect(genesis.computedMerkleRoot.displayHex == "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
            #expect(ProofOfWork.check(hash: genesis.hash.hash, bits: genesis.header.bits, powLimit: params.powLimit))
            #expect(genesis.size == 285)
        }
    }

    @Test func subsidyHalves() {
        let regtest = ChainParams.regtest
        #expect(regtest.blockSubsidy(height: 0).satoshis == 50 * Amount.coin)
        #expect(regtest.blockSubsidy(height: 149).satoshis == 50 * Amount.coin)
        #expect(regtest.blockSubsidy(height: 150).satoshis == 25 * Amount.coin)
        #expect(regtest.blockSubsidy(height: 150 * 64) == .zero)
        #expect(ChainParams.mainnet.blockSubsidy(height: 210_000).satoshis == 25 * Amount.coin)
        #expect(ChainParams.mainnet.blockSubsidy(height: 6_929_999).satoshis == 1)  // the last satoshi
        #expect(ChainParams.mainnet.blockSubsidy(height: 6_930_000).satoshis == 0)
    }

    @Test func scriptFlagsFollowActivationHeights() {
        let main = ChainParams.mainnet
        let early = main.scriptFlags(height: 170, hash: .zero)
        #expect(early == [.p2sh, .witness, .taproot])
        let late = main.scriptFlags(height: 800_000, hash: .zero)
        #expect(late.isSuperset(of: [.derSig, .checkLockTimeVerify, .checkSequenceVerify, .nullDummy]))
        let regtest = ChainParams.regtest.scriptFlags(height: 1, hash: .zero)
        #expect(regtest.isSuperset(of: [.p2sh, .witness, .taproot, .derSig, .checkLockTimeVerify, .checkSequenceVerify, .nullDummy]))
    }

    @Test func customParamsRetarget() {
        let params = ChainParams.custom(name: "fast", targetSpacing: 60, retargetInterval: 10)
        #expect(!params.noRetargeting)
        #expect(params.difficultyAdjustmentInterval == 10)
        #expect(params.genesisHash == ChainParams.regtest.genesisHash)
    }
}
