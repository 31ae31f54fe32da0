import Consensus

/// The state of Eyal and Sirer's selfish-mining algorithm (Algorithm 1 of "Majority Is
/// Not Enough", 2014), in heights: the private chain is the miner's node's active chain,
/// the public chain the best header it has heard of from peers.
struct SelfishMiner {
    /// The explicit γ, or `nil` for the network's own tie-breaking.
    let gamma: Double?
    /// Height of the private tip.
    var privateHeight = 0
    /// Height of the best public block.
    var publicHeight = 0
    /// Height up to which private blocks have been published.
    var publishedHeight = 0
    /// True after publishing into a tie (state 0′): the next own block wins the race.
    var racing = false

    /// What to do after an own block: publish up to the returned height, or nothing.
    mutating func ownBlockFound() -> Int? {
        let previousLead = privateHeight - publicHeight
        privateHeight += 1
        if previousLead == 0 && racing {
            // Won the race: publish everything and start afresh (published blocks are public).
            racing = false
            publicHeight = privateHeight
            return privateHeight
        }
        return nil
    }

    /// What to do when the public chain reaches `height`.
    enum Reaction: Equatable {
        case ignore
        /// Take the public chain (private work is lost or was equal).
        case adopt
        /// Publish private blocks up to this height (`tie` when it makes a race).
        case publish(upTo: Int, tie: Bool)
    }

    mutating func publicBlockFound(height: Int) -> Reaction {
        guard height > publicHeight else { return .ignore }
        let previousLead = privateHeight - publicHeight
        publicHeight = height
        switch previousLead {
        case ...0:
            racing = false
            return .adopt
        case 1:
            // Publish the last block: a tie race.
            racing = true
            return .publish(upTo: privateHeight, tie: true)
        case 2:
            // One ahead of the public chain: publish everything, the network follows.
            racing = false
            publicHeight = privateHeight
            return .publish(upTo: privateHeight, tie: false)
        default:
            return .publish(upTo: height, tie: false)
        }
    }

    /// After adopting the public chain at `height`.
    mutating func adopted(height: Int) {
        privateHeight = height
        publicHeight = max(publicHeight, height)
        publishedHeight = height
        racing = false
    }
}
