package rabbitmq

// Tree is the broker's process tree now: the script, the Erlang VM and its
// port programs, and the node's epmd, each as pid and start time.
func (s *Server) Tree() (tree [][2]uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var refs []procRef
	if s.broker != nil {
		refs = append(refs, processTree(s.broker.pid())...)
	}
	if s.epmd != nil {
		refs = append(refs, processTree(s.epmd.pid())...)
	}
	for _, r := range refs {
		tree = append(tree, [2]uint64{uint64(r.pid), r.start})
	}
	return tree
}

// Alive reports whether a process of tree still runs.
func Alive(tree [][2]uint64) bool {
	for _, p := range tree {
		if (procRef{pid: int(p[0]), start: p[1]}).alive() {
			return true
		}
	}
	return false
}

// Ports are the node's AMQP, distribution and epmd ports.
func (s *Server) Ports() (amqp, dist, epmd int) { return s.amqpPort, s.distPort, s.epmdPort }
