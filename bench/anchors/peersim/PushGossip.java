/*
 * cclab benchmark anchor (our code, not part of PeerSim): push gossip of one
 * rumor as a PeerSim cycle-driven protocol, the same process as cclab's round
 * mode (crates/cc-sim/src/round.rs, Spread::Push, fanout 1, no loss/faults)
 * and bench/anchors/push_numpy.py.
 *
 * In cycle c every node that knew the rumor at the *start* of cycle c pushes
 * it to one node chosen uniformly at random among the other n - 1 nodes
 * (complete graph: a random index into Network, no Linkable overlay).
 * Synchronous semantics: a node informed during cycle c has
 * informedAtCycle == c and starts pushing in cycle c + 1, whatever the order
 * in which FullNextCycle visits the nodes. The origin (node 0) is informed
 * by PushObserver before the first cycle, with informedAtCycle == -1.
 *
 * Randomness: PeerSim's shared source CommonState.r (seeded by random.seed).
 */
import peersim.cdsim.CDProtocol;
import peersim.cdsim.CDState;
import peersim.core.CommonState;
import peersim.core.Network;
import peersim.core.Node;

public class PushGossip implements CDProtocol {

	/** informedAtCycle of a node that does not know the rumor. */
	public static final int NEVER = Integer.MAX_VALUE;

	/** Number of informed nodes (nodes live in one JVM; one experiment). */
	public static int informed = 0;

	/** Push messages sent so far. */
	public static long messages = 0;

	/** Cycle in which this node learnt the rumor, or NEVER. */
	public int informedAtCycle = NEVER;

	public PushGossip(String prefix) {}

	public Object clone() {
		try {
			return super.clone(); // copies informedAtCycle (NEVER in the prototype)
		} catch (CloneNotSupportedException e) {
			throw new RuntimeException(e);
		}
	}

	/** Marks this node informed in cycle c; true if it did not know yet. */
	public boolean inform(int c) {
		if (informedAtCycle != NEVER) return false;
		informedAtCycle = c;
		informed++;
		return true;
	}

	public void nextCycle(Node node, int pid) {
		final int c = CDState.getCycle();
		if (informedAtCycle >= c) return; // not informed before this cycle began
		final int n = Network.size();
		int t = CommonState.r.nextInt(n - 1); // uniform over the other n - 1 nodes
		if (t >= node.getIndex()) t++;
		messages++;
		((PushGossip) Network.get(t).getProtocol(pid)).inform(c);
	}
}
