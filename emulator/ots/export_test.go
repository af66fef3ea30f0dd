package ots

import "context"

// FillBodyBudget takes the whole of the server's budget for request
// bodies, until free.
func (s *Server) FillBodyBudget() (free func()) {
	s.bodies.Take(context.Background(), bodyBudget)
	return func() { s.bodies.Give(bodyBudget) }
}
