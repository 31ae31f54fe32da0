public enum ConsensusPlaceholder {}
