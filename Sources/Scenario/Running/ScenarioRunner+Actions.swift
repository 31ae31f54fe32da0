import Consensus
import Foundation
import Node
import Simulation

extension ScenarioRunner {
    /// Carries out one timeline event; a failure (say, a wallet without funds) is narrated
    /// with the scenario line, and the run goes on.
    func perform(_ event: TimelineEvent) {
        do {
            try act(event.action, from: event.location)
        } catch {
            say(narrator.line(simulation.now, "⚠ \(event.location): \(error)"))
        }
    }

    func wallet(_ actor: String) throws(SimulationError) -> (wallet: Wallet, node: Int) {
        guard let entry = scenario.actors.first(where: { $0.name == actor }),
              let wallet = simulation.node(entry.node).wallet(actor) else { throw SimulationError("no wallet for actor \(actor)") }
        return (wallet, entry.node)
    }

    /// Carries out `action`, written at `location` in the scenario file.
    func act(_ action: TimelineAction, from location: Scenario.Location) throws {
        let names = scenario.nodeNames
        switch action {
        case let .send(id, from, to, amount, feeRate):
            let payer = try wallet(from)
            let payee = try wallet(to).wallet
            let transaction = try simulation.send(amount, from: payer.wallet, at: payer.node, to: payee.newAddress(),
                                                  feeRate: feeRate ?? Wallet.defaultFeeRate)
            transactions.append((id, transaction))
            senders[id] = from
            refreshTransactionNames()
            say(narrator.line(simulation.now, "\(from) pays \(to) \(amount.btcString) BTC: \(id) (\(short(transaction.txid)))"))
        case let .doubleSpend(id, original, to, feeRate, node):
            guard let originalTransaction = transaction(original), let sender = senders[original] else {
                throw SimulationError("transaction \(original) does not exist yet")
            }
            let payer = try wallet(sender)
            let payee = try wallet(to).wallet
            let conflict = try payer.wallet.createDoubleSpend(of: originalTransaction, to: payee.newAddress(), feeRate: feeRate ?? Wallet.defaultFeeRate)
            transactions.append((id, conflict))
            senders[id] = sender
            refreshTransactionNames()
            simulation.watch(conflict.txid)
            let place = node ?? payer.node
            say(narrator.line(simulation.now, "\(sender) double-spends \(original) to \(to) at \(names[place]): \(id) (\(short(conflict.txid)))"))
            simulation.submitTransaction(conflict, at: place)
        case .partition(let groups):
            try simulation.partition(groups)
        case .heal:
            simulation.heal()
        case let .setHashpower(miner, hashpower):
            try simulation.setHashpower(hashpower, ofMiner: miner)
        case .offline(let node):
            simulation.setOffline(node)
        case .online(let node):
            simulation.setOnline(node)
        case .restart(let node):
            try simulation.restart(node)
        case let .invalidate(node, height):
            let chain = simulation.node(node).chain
            let target = height.map { simulation.startHeight + $0 } ?? chain.height
            guard let hash = chain.hash(atHeight: target) else { throw SimulationError("\(names[node]) has no block at height \(target)") }
            say(narrator.line(simulation.now, "\(names[node]) invalidates block \(target) (\(short(hash)))"))
            try simulation.invalidateBlock(hash, on: node)
        case let .mine(node, blocks, miner):
            simulation.mine(blocks, on: node, miner: miner)
        case let .misbehave(node, kind, tx):
            try misbehave(node, kind, respending: tx)
        case .note(let text):
            simulation.note(text)
        case .stop(let reason):
            stop(by: location, reason: reason)
        }
    }

    /// Ends the run after the current event (the run loop's condition sees `stoppedBy`); the
    /// stop is a note in the timeline and the event stream.
    func stop(by location: Scenario.Location, reason: String?) {
        guard stoppedBy == nil else { return }
        stoppedBy = location
        end = simulation.now
        simulation.note(reason.map { "the run stops: \($0)" } ?? "the run stops")
    }

    /// Node `index` sends its peers what `kind` names; a `double-spend` block re-spends the
    /// coins of payment `tx` back to its payer, signed by the payer's wallet.
    func misbehave(_ index: Int, _ kind: Misbehaviour.Kind, respending tx: String?) throws {
        let misbehaviour: Misbehaviour
        switch kind {
        case .doubleSpend:
            guard let tx, let original = transaction(tx), let sender = senders[tx] else {
                throw SimulationError("transaction \(tx ?? "?") does not exist yet")
            }
            let payer = try wallet(sender).wallet
            let conflict = try payer.createDoubleSpend(of: original, to: payer.newAddress())
            let id = Misbehaviour.Kind.respendId(of: tx)
            transactions.append((id, conflict))
            senders[id] = sender
            refreshTransactionNames()
            simulation.watch(conflict.txid)
            say(narrator.line(simulation.now, "\(sender) signs \(id) (\(short(conflict.txid))), re-spending \(tx)'s coins back to \(sender), for a block of \(scenario.nodeNames[index])"))
            misbehaviour = .block(with: [conflict])
        case .inflatedCoinbase: misbehaviour = .inflatedCoinbase
        case .badProofOfWork: misbehaviour = .badProofOfWork
        case .corruptMessage: misbehaviour = .corruptMessage
        }
        simulation.misbehave(index, sending: misbehaviour)
    }

    func short(_ txid: Txid) -> String { String(txid.description.prefix(8)) }
    func short(_ hash: BlockHash) -> String { String(hash.description.prefix(8)) }
}
